// Served as is by ConsoleController; kept as a TypeScript string so the webpack bundle carries it (no asset to copy).
// No backquote and no dollar-brace inside: the template below must stay a plain string.

/**
 * The console page: markup only; its script and styles are separate files, so the CSP can forbid every inline script and style.
 */
export const CONSOLE_HTML = String.raw`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Latchkey · Security operations</title>
    <link rel="stylesheet" href="/console/console.css" />
    <script src="/console/chart.umd.js" defer></script>
    <script src="/console/console.js" defer></script>
  </head>
  <body>
    <header>
      <h1>Latchkey · Security operations</h1>
      <span class="connection" data-testid="connection" data-state="offline">offline</span>
      <button type="button" data-testid="sign-out" id="sign-out">Sign out</button>
    </header>

    <section data-testid="login" class="login">
      <form data-testid="login-form" autocomplete="off">
        <label for="operator-key">Operator key</label>
        <input id="operator-key" data-testid="operator-key" type="password" autocomplete="off" spellcheck="false" required />
        <button type="submit" data-testid="connect">Connect</button>
        <p class="hint">Kept in this tab only (session storage) and sent as the Authorization header of the abuse detector's admin API.</p>
        <p class="error" role="alert" data-testid="login-error"></p>
      </form>
    </section>

    <main data-testid="console" hidden>
      <p class="toast info" role="status" aria-live="polite" data-testid="toast"></p>

      <section data-testid="alerts" class="panel alerts">
        <h2>Alerts <small data-testid="alerts-count"></small></h2>
        <p class="stream-status info" role="status" aria-live="polite" data-testid="stream-status" hidden></p>
        <div class="filters">
          <label>Severity <select data-testid="filter-severity"><option value="">any</option></select></label>
          <label
            >Status
            <select data-testid="filter-status">
              <option value="">any</option>
              <option value="open">open</option>
              <option value="acknowledged">acknowledged</option>
              <option value="resolved">resolved</option>
            </select></label
          >
          <label>Rule <input data-testid="filter-rule" type="search" placeholder="e.g. foreign-resource" /></label>
          <label>ISV <input data-testid="filter-isv" type="search" list="isv-options" /></label>
          <datalist id="isv-options" data-testid="isv-options"></datalist>
        </div>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Severity</th>
                <th>Rule</th>
                <th>Subject</th>
                <th>ISV</th>
                <th>Count</th>
                <th>Status</th>
                <th>Last seen (UTC)</th>
              </tr>
            </thead>
            <tbody data-testid="alerts-body"></tbody>
          </table>
        </div>
      </section>

      <section data-testid="alert-detail" class="panel detail">
        <h2>Alert</h2>
        <p data-testid="detail-empty">Select an alert.</p>
        <div data-testid="detail-body" hidden>
          <dl data-testid="detail-fields"></dl>
          <h3>Evidence: <span data-testid="evidence-count"></span> event id(s)</h3>
          <ol class="evidence" data-testid="alert-evidence"></ol>
          <div class="actions">
            <button type="button" data-testid="action-acknowledge">Acknowledge…</button>
            <button type="button" class="danger" data-testid="action-revoke-client">Revoke client…</button>
            <button type="button" class="danger" data-testid="action-revoke-isv">Revoke ISV…</button>
            <button type="button" data-testid="action-reinstate-client">Reinstate client…</button>
            <button type="button" data-testid="action-reinstate-isv">Reinstate ISV…</button>
            <button type="button" data-testid="action-show-activity">ISV activity</button>
          </div>
        </div>
      </section>

      <section data-testid="cases" class="panel cases">
        <h2>Open cases</h2>
        <p data-testid="cases-message"></p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Severity</th>
                <th>ISV</th>
                <th>Client resource</th>
                <th>Status</th>
                <th>Deadline (UTC)</th>
                <th>Alerts</th>
                <th>Summary</th>
              </tr>
            </thead>
            <tbody data-testid="cases-body"></tbody>
          </table>
        </div>
      </section>

      <section data-testid="isv-activity" class="panel activity">
        <h2>ISV activity</h2>
        <form data-testid="activity-form" class="filters">
          <label>ISV <input data-testid="activity-isv" type="search" list="isv-options" required /></label>
          <label
            >Last
            <select data-testid="activity-minutes">
              <option value="60">hour</option>
              <option value="360">6 hours</option>
              <option value="1440">day</option>
            </select></label
          >
          <button type="submit" data-testid="activity-load">Show</button>
        </form>
        <p data-testid="activity-message"></p>
        <div class="chart"><canvas data-testid="activity-chart" aria-label="Tokens issued, used and refused per minute"></canvas></div>
      </section>
    </main>

    <dialog data-testid="confirm-dialog">
      <form data-testid="confirm-form" autocomplete="off">
        <h2 data-testid="confirm-title"></h2>
        <p data-testid="confirm-text"></p>
        <label data-testid="confirm-code-field"
          >Reason
          <select data-testid="confirm-reason-code">
            <option value="ADMIN.FALSE_POSITIVE">ADMIN.FALSE_POSITIVE</option>
            <option value="ADMIN.RESOLVED">ADMIN.RESOLVED</option>
            <option value="ADMIN.ABUSE_CONFIRMED">ADMIN.ABUSE_CONFIRMED</option>
            <option value="ADMIN.MANUAL">ADMIN.MANUAL</option>
          </select></label
        >
        <label data-testid="confirm-note-field">Reason <textarea data-testid="confirm-reason-note" maxlength="500" rows="3"></textarea></label>
        <p class="error" role="alert" data-testid="confirm-error"></p>
        <div class="actions">
          <button type="button" data-testid="confirm-cancel">Cancel</button>
          <button type="button" class="danger" data-testid="confirm-submit">Confirm</button>
        </div>
      </form>
    </dialog>
  </body>
</html>
`;
