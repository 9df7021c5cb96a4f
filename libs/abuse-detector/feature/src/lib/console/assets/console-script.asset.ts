// Served as is by ConsoleController; kept as a TypeScript string so the webpack bundle carries it (no asset to copy).
// No backquote and no dollar-brace inside: the template below must stay a plain string.

/**
 * The console's script: plain ES2020 for the browser, no modules, no build step. It reads the operator key into session storage, streams
 * `/admin/v1/alerts/stream` with fetch (EventSource cannot send an Authorization header), and renders everything with
 * DOM text nodes, never HTML.
 */
export const CONSOLE_SCRIPT = String.raw`// Latchkey security-operations console. Plain DOM, no framework; every value from the server is set as text, never as HTML.
(function () {
  'use strict';

  var KEY_STORAGE = 'latchkey.abuse.operatorKey';
  var SEVERITIES = ['low', 'medium', 'high', 'critical'];
  var CASE_REFRESH_MS = 15000;
  var ACTIVITY_REFRESH_MS = 30000;
  // The server's retry hint (its first line is 'retry: 2000') replaces this once the stream has sent it.
  var RECONNECT_MS = 2000;

  var state = {
    key: null,
    alerts: new Map(),
    selectedId: null,
    streamAbort: null,
    casesTimer: null,
    activityTimer: null,
    chart: null,
    renderPending: false,
    generation: 0,
    confirming: null,
    reconnectMs: RECONNECT_MS,
  };

  function $(testId) {
    return document.querySelector('[data-testid="' + testId + '"]');
  }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attributes[name];
      else if (name === 'className') node.className = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function formatTime(iso) {
    if (!iso) return '';
    var date = new Date(iso);
    return isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  }

  function formatRemaining(iso) {
    var ms = Date.parse(iso) - Date.now();
    if (isNaN(ms)) return '';
    var overdue = ms < 0;
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var text = minutes >= 60 ? Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min' : minutes + ' min';
    return overdue ? 'overdue by ' + text : 'in ' + text;
  }

  function toast(message, kind) {
    var node = $('toast');
    node.textContent = message;
    node.className = 'toast ' + (kind || 'info');
  }

  function setConnection(status) {
    var node = $('connection');
    node.textContent = status;
    node.setAttribute('data-state', status);
  }

  // Why the live alerts are not live, and what happens or what to do next; kept until the stream is live again, unlike the
  // toast, which the next action's answer replaces.
  function setStreamStatus(message, kind) {
    var node = $('stream-status');
    node.textContent = message || '';
    node.className = 'stream-status ' + (kind || 'info');
    node.hidden = !message;
  }

  // --- the operator key and the API -------------------------------------------------------------

  function ApiError(status, code, message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  function api(method, path, body) {
    var key = state.key;
    var headers = { authorization: 'Bearer ' + key, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' }).then(
      function (response) {
        return response.text().then(function (text) {
          var parsed = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch (e) {
            parsed = null;
          }
          if (response.status === 401) {
            // A request sent before a sign-out (e.g. the stream's end at the token's expiry) must not replace its message.
            if (key === state.key) signOut('The operator key was refused.');
            throw new ApiError(401, 'Unauthorized', 'The operator key was refused.');
          }
          if (!response.ok) {
            var error = parsed && parsed.error;
            var inner = error && error.innererror && error.innererror.code;
            throw new ApiError(response.status, inner || (error && error.code) || String(response.status), (error && error.message) || 'HTTP ' + response.status);
          }
          return parsed;
        });
      },
    );
  }

  function signIn(key) {
    state.key = key;
    state.generation += 1;
    sessionStorage.setItem(KEY_STORAGE, key);
    $('login').hidden = true;
    $('console').hidden = false;
    $('login-error').textContent = '';
    loadAlerts();
    streamAlerts(state.generation);
    loadCases();
    state.casesTimer = setInterval(loadCases, CASE_REFRESH_MS);
  }

  function signOut(reason) {
    state.key = null;
    state.generation += 1;
    sessionStorage.removeItem(KEY_STORAGE);
    if (state.streamAbort) state.streamAbort.abort();
    state.streamAbort = null;
    clearInterval(state.casesTimer);
    clearInterval(state.activityTimer);
    state.alerts = new Map();
    state.selectedId = null;
    $('console').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = reason || '';
    setConnection('offline');
    setStreamStatus('');
  }

  // --- alerts: the list, the live stream, the table ------------------------------------------------

  function rank(alert) {
    return [alert.status === 'open' ? 0 : 1, alert.count, Date.parse(alert.lastSeenAt) || 0];
  }

  function isNewer(candidate, current) {
    var a = rank(candidate);
    var b = rank(current);
    for (var i = 0; i < a.length; i += 1) {
      if (a[i] !== b[i]) return a[i] > b[i];
    }
    return true;
  }

  function upsert(alert) {
    var current = state.alerts.get(alert.id);
    if (current && !isNewer(alert, current)) return;
    state.alerts.set(alert.id, alert);
    scheduleRender();
  }

  function scheduleRender() {
    if (state.renderPending) return;
    state.renderPending = true;
    requestAnimationFrame(function () {
      state.renderPending = false;
      renderAlerts();
      renderDetail();
      renderIsvOptions();
    });
  }

  function filters() {
    return {
      severity: $('filter-severity').value,
      status: $('filter-status').value,
      rule: $('filter-rule').value.trim(),
      isvId: $('filter-isv').value.trim(),
    };
  }

  function loadAlerts() {
    var f = filters();
    var query = new URLSearchParams({ limit: '500' });
    if (f.severity) query.set('severity', f.severity);
    if (f.status) query.set('status', f.status);
    if (f.rule) query.set('rule', f.rule);
    if (f.isvId) query.set('isvId', f.isvId);
    return api('GET', '/admin/v1/alerts?' + query.toString())
      .then(function (body) {
        body.alerts.forEach(upsert);
        scheduleRender();
      })
      .catch(function (error) {
        if (error.status !== 401) toast('Alerts could not be loaded: ' + error.message, 'error');
      });
  }

  function handleEventBlock(block) {
    var name = 'message';
    var data = [];
    block.split('\n').forEach(function (line) {
      if (line === '' || line.charAt(0) === ':') return;
      var colon = line.indexOf(':');
      var field = colon < 0 ? line : line.slice(0, colon);
      var value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
      // At least half a second: a hint of 0 (a misconfigured proxy's, say) must not become a reconnection loop.
      else if (field === 'retry' && /^\d+$/.test(value)) state.reconnectMs = Math.max(500, Number(value));
    });
    if (name === 'end') {
      // The server ended the stream and says why (the credential expired or was revoked, the permission was removed, ...).
      try {
        return String(JSON.parse(data.join('\n')).reason || 'ended');
      } catch (e) {
        return 'ended';
      }
    }
    if (name !== 'alert' || data.length === 0) return undefined;
    try {
      upsert(JSON.parse(data.join('\n')));
      $('alerts').setAttribute('data-last-event', String(Date.now()));
      // An alert about an ISV client opens or joins its case in the same transaction: show it now, not at the next refresh.
      scheduleCasesReload();
    } catch (e) {
      // A malformed event is dropped; the next change of that alert brings it again.
    }
    return undefined;
  }

  // What a stream that ended (or was refused) leads to: a credential that no longer works asks for a new one, a missing
  // permission stops reconnecting (it would be refused every time); anything else reconnects, saying why it went away.
  var STREAM_SIGN_OUT = {
    'credential-expired': 'The live alerts stopped: the operator token expired. Sign in again with a new token.',
    'credential-revoked': 'The live alerts stopped: the operator token was revoked. Sign in again with a new token.',
    'credential-invalid': 'The live alerts stopped: the operator key or token is no longer accepted. Sign in again.',
  };
  var PERMISSION_MISSING =
    'The live alerts stopped: this operator does not have the permission abuse.alerts:read (any more). ' +
    'Ask an administrator for it, then sign out and sign in again.';
  var STREAM_RECONNECT = {
    shutdown: 'The live alerts stopped: the detector is restarting or shutting down. Reconnecting…',
    lifetime: 'The live alerts are renewed every 15 minutes. Reconnecting…',
    'authorization-unavailable': 'The live alerts stopped: the detector could not check this operator’s access. Reconnecting…',
  };

  // EventSource cannot send an Authorization header, so the stream is read with fetch and a reader.
  function streamAlerts(generation) {
    if (generation !== state.generation || !state.key) return;
    var controller = new AbortController();
    state.streamAbort = controller;
    setConnection('connecting');
    fetch('/admin/v1/alerts/stream', {
      headers: { authorization: 'Bearer ' + state.key, accept: 'text/event-stream' },
      cache: 'no-store',
      signal: controller.signal,
    })
      .then(function (response) {
        if (response.status === 401) {
          signOut('The operator key was refused.');
          return undefined;
        }
        if (response.status === 403) return 'permission-missing';
        if (!response.ok || !response.body) throw new Error('the stream answered ' + response.status);
        setConnection('live');
        setStreamStatus('');
        var reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        var buffer = '';
        var endReason;
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) return endReason;
            buffer = (buffer + chunk.value).replace(/\r\n?/g, '\n');
            var end = buffer.indexOf('\n\n');
            while (end >= 0) {
              endReason = handleEventBlock(buffer.slice(0, end)) || endReason;
              buffer = buffer.slice(end + 2);
              end = buffer.indexOf('\n\n');
            }
            return pump();
          });
        }
        return pump();
      })
      .catch(function () {
        // Aborted on sign-out, or the connection dropped: reconnect below if still signed in.
      })
      .then(function (endReason) {
        if (generation !== state.generation || !state.key) return;
        if (endReason && STREAM_SIGN_OUT[endReason]) {
          signOut(STREAM_SIGN_OUT[endReason]);
          return;
        }
        if (endReason === 'permission-missing') {
          setConnection('offline');
          setStreamStatus(PERMISSION_MISSING, 'error');
          return;
        }
        setConnection('reconnecting');
        // A failed reconnection keeps the message of why the stream ended (e.g. a restart) rather than a vaguer one; a reason
        // the page does not know (a newer server) reconnects like a dropped connection.
        if (STREAM_RECONNECT[endReason]) setStreamStatus(STREAM_RECONNECT[endReason], 'warning');
        else if ($('stream-status').hidden) setStreamStatus('The connection to the live alerts was lost. Reconnecting…', 'warning');
        setTimeout(function () {
          streamAlerts(generation);
        }, state.reconnectMs);
      });
  }

  function matches(alert, f) {
    if (f.severity && alert.severity !== f.severity) return false;
    if (f.status && alert.status !== f.status) return false;
    if (f.rule && alert.ruleId.indexOf(f.rule) < 0) return false;
    if (f.isvId && alert.isvId !== f.isvId) return false;
    return true;
  }

  function renderAlerts() {
    var f = filters();
    var rows = Array.from(state.alerts.values())
      .filter(function (alert) {
        return matches(alert, f);
      })
      .sort(function (a, b) {
        return Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt);
      });
    var body = $('alerts-body');
    clear(body);
    rows.forEach(function (alert) {
      var row = el('tr', {
        'data-testid': 'alert-row',
        'data-alert-id': alert.id,
        'data-rule': alert.ruleId,
        'data-status': alert.status,
        'data-severity': alert.severity,
        'data-resource-id': alert.resourceId || '',
        tabindex: '0',
        className: alert.id === state.selectedId ? 'selected' : '',
      });
      [
        el('td', {}, [el('span', { className: 'severity severity-' + alert.severity, text: alert.severity })]),
        el('td', { text: alert.ruleId }),
        el('td', { className: 'subject', text: alert.subject.kind + ': ' + alert.subject.id }),
        el('td', { text: alert.isvId || '—' }),
        el('td', { className: 'number', text: String(alert.count) }),
        el('td', { text: alert.status }),
        el('td', { text: formatTime(alert.lastSeenAt) }),
      ].forEach(function (cell) {
        row.appendChild(cell);
      });
      row.addEventListener('click', function () {
        select(alert.id);
      });
      row.addEventListener('keydown', function (event) {
        if (event.key === 'Enter') select(alert.id);
      });
      body.appendChild(row);
    });
    $('alerts-count').textContent = rows.length + ' of ' + state.alerts.size + ' alerts';
  }

  function renderIsvOptions() {
    var list = $('isv-options');
    clear(list);
    var isvs = new Set();
    state.alerts.forEach(function (alert) {
      if (alert.isvId) isvs.add(alert.isvId);
    });
    Array.from(isvs)
      .sort()
      .forEach(function (isv) {
        list.appendChild(el('option', { value: isv }));
      });
  }

  // --- one alert: detail, evidence, actions --------------------------------------------------------

  function select(id) {
    state.selectedId = id;
    scheduleRender();
    api('GET', '/admin/v1/alerts/' + encodeURIComponent(id))
      .then(upsert)
      .catch(function (error) {
        if (error.status !== 401) toast('The alert could not be loaded: ' + error.message, 'error');
      });
  }

  function field(label, value, testId) {
    var attributes = testId ? { 'data-testid': testId, text: value } : { text: value };
    return [el('dt', { text: label }), el('dd', attributes)];
  }

  function renderDetail() {
    var panel = $('alert-detail');
    var alert = state.selectedId && state.alerts.get(state.selectedId);
    $('detail-empty').hidden = Boolean(alert);
    $('detail-body').hidden = !alert;
    if (!alert) return;
    panel.setAttribute('data-alert-id', alert.id);
    var fields = $('detail-fields');
    clear(fields);
    []
      .concat(
        field('Rule', alert.ruleId, 'detail-rule'),
        field('Severity', alert.severity, 'detail-severity'),
        field('Status', alert.status, 'detail-status'),
        field('Subject', alert.subject.kind + ': ' + alert.subject.id),
        field('ISV', alert.isvId || '—', 'detail-isv'),
        field('Client resource', alert.resourceId || '—', 'detail-resource'),
        field('Count', String(alert.count), 'detail-count'),
        field('First seen', formatTime(alert.firstSeenAt)),
        field('Last seen', formatTime(alert.lastSeenAt)),
        field('Explanation', alert.explanation, 'detail-explanation'),
        alert.acknowledged
          ? field('Acknowledged', alert.acknowledged.by + ' at ' + formatTime(alert.acknowledged.at) + ': ' + alert.acknowledged.reason)
          : [],
      )
      .forEach(function (node) {
        fields.appendChild(node);
      });
    var evidence = $('alert-evidence');
    clear(evidence);
    alert.evidenceEventIds.forEach(function (eventId) {
      evidence.appendChild(el('li', { text: eventId }));
    });
    $('evidence-count').textContent = String(alert.evidenceEventIds.length);
    var client = Boolean(alert.isvId && alert.resourceId);
    $('action-acknowledge').disabled = alert.status !== 'open';
    $('action-revoke-client').disabled = !client;
    $('action-reinstate-client').disabled = !client;
    $('action-revoke-isv').disabled = !alert.isvId;
    $('action-reinstate-isv').disabled = !alert.isvId;
    $('action-show-activity').disabled = !alert.isvId;
  }

  function selectedAlert() {
    return state.selectedId ? state.alerts.get(state.selectedId) : undefined;
  }

  function subjectOf(alert, kind) {
    return kind === 'isv' ? { kind: 'isv', isvId: alert.isvId } : { kind: 'isv-client', isvId: alert.isvId, resourceId: alert.resourceId };
  }

  function describeSubject(subject) {
    return subject.kind === 'isv' ? 'ISV ' + subject.isvId : 'client ' + subject.resourceId + ' of ISV ' + subject.isvId;
  }

  // A confirmation step for every action: a dialog that says what will happen and asks for the reason.
  function confirmAction(options) {
    var dialog = $('confirm-dialog');
    $('confirm-title').textContent = options.title;
    $('confirm-text').textContent = options.text;
    var codeField = $('confirm-code-field');
    var noteField = $('confirm-note-field');
    codeField.hidden = options.reason !== 'code';
    noteField.hidden = options.reason !== 'note';
    $('confirm-reason-code').value = options.defaultCode || 'ADMIN.FALSE_POSITIVE';
    $('confirm-reason-note').value = '';
    $('confirm-error').textContent = '';
    $('confirm-submit').textContent = options.confirmLabel;
    state.confirming = options;
    return new Promise(function (resolve) {
      function onClose() {
        dialog.removeEventListener('close', onClose);
        state.confirming = null;
        if (dialog.returnValue !== 'confirm') return resolve(null);
        resolve(options.reason === 'code' ? $('confirm-reason-code').value : $('confirm-reason-note').value.trim());
      }
      dialog.returnValue = '';
      dialog.addEventListener('close', onClose);
      dialog.showModal();
    });
  }

  function submitConfirmation() {
    var options = state.confirming;
    if (!options) return;
    if (options.reason === 'note' && !$('confirm-reason-note').value.trim()) {
      $('confirm-error').textContent = 'Say why (this is kept with the alert).';
      return;
    }
    $('confirm-dialog').close('confirm');
  }

  function act(options, perform) {
    return confirmAction(options).then(function (reason) {
      if (reason === null) {
        toast('Cancelled.', 'info');
        return undefined;
      }
      return perform(reason)
        .then(function (message) {
          toast(message, 'success');
        })
        .catch(function (error) {
          if (error.status !== 401) toast('Refused (' + error.code + '): ' + error.message, 'error');
        });
    });
  }

  function acknowledge() {
    var alert = selectedAlert();
    if (!alert) return;
    var text = 'Acknowledge the ' + alert.ruleId + ' alert on ' + alert.subject.id + '? It stops growing; revocations stay.';
    act({ title: 'Acknowledge alert', text: text, reason: 'note', confirmLabel: 'Acknowledge' }, function (reason) {
      return api('POST', '/admin/v1/alerts/' + encodeURIComponent(alert.id) + '/acknowledge', { reason: reason }).then(function (updated) {
        upsert(updated);
        return 'Alert acknowledged.';
      });
    });
  }

  function revoke(kind) {
    var alert = selectedAlert();
    if (!alert) return;
    var subject = subjectOf(alert, kind);
    act(
      {
        title: 'Revoke ' + (kind === 'isv' ? 'ISV' : 'client'),
        text: 'Revoke ' + describeSubject(subject) + '? Every token issued to it until now is refused, and issuance stops until it is reinstated.',
        reason: 'code',
        defaultCode: 'ADMIN.ABUSE_CONFIRMED',
        confirmLabel: 'Revoke',
      },
      function (reason) {
        return api('POST', '/admin/v1/revocations', { subject: subject, reason: reason, alertId: alert.id }).then(function () {
          return 'Revoked ' + describeSubject(subject) + '.';
        });
      },
    );
  }

  function reinstate(kind) {
    var alert = selectedAlert();
    if (!alert) return;
    var subject = subjectOf(alert, kind);
    act(
      {
        title: 'Reinstate ' + (kind === 'isv' ? 'ISV' : 'client'),
        text: 'Reinstate ' + describeSubject(subject) + '? Issuance resumes; tokens issued before the revocation stay refused.',
        reason: 'code',
        defaultCode: 'ADMIN.FALSE_POSITIVE',
        confirmLabel: 'Reinstate',
      },
      function (reason) {
        return api('POST', '/admin/v1/reinstatements', { subject: subject, reason: reason }).then(function () {
          return 'Reinstated ' + describeSubject(subject) + '.';
        });
      },
    );
  }

  // --- open cases ---------------------------------------------------------------------------------

  function loadCases() {
    if (!state.key) return;
    api('GET', '/admin/v1/cases?status=open')
      .then(function (body) {
        renderCases((body && body.cases) || []);
      })
      .catch(function (error) {
        if (error.status === 401) return;
        var message = error.status === 404 ? 'Cases are not available on this detector yet.' : 'Cases could not be loaded: ' + error.message;
        $('cases-message').textContent = message;
        $('cases-message').hidden = false;
        clear($('cases-body'));
      });
  }

  var casesReload = null;
  function scheduleCasesReload() {
    if (casesReload !== null) return;
    casesReload = setTimeout(function () {
      casesReload = null;
      loadCases();
    }, 300);
  }

  function renderCases(cases) {
    var body = $('cases-body');
    clear(body);
    $('cases-message').hidden = cases.length > 0;
    $('cases-message').textContent = cases.length === 0 ? 'No open cases.' : '';
    cases
      .slice()
      .sort(function (a, b) {
        return (Date.parse(a.deadlineAt) || Infinity) - (Date.parse(b.deadlineAt) || Infinity);
      })
      .forEach(function (item) {
        var overdue = item.deadlineAt && Date.parse(item.deadlineAt) < Date.now();
        var row = el('tr', { 'data-testid': 'case-row', 'data-case-id': item.id, 'data-resource-id': item.resourceId, className: overdue ? 'overdue' : '' }, [
          el('td', {}, [el('span', { className: 'severity severity-' + item.severity, text: item.severity })]),
          el('td', { text: item.isvId }),
          el('td', { className: 'subject', text: item.resourceId }),
          el('td', { text: item.status }),
          el('td', { 'data-testid': 'case-deadline', text: item.deadlineAt ? formatTime(item.deadlineAt) + ' (' + formatRemaining(item.deadlineAt) + ')' : '—' }),
          el('td', { className: 'number', text: String((item.alertIds || []).length) }),
          el('td', { className: 'summary', text: item.summary || '' }),
        ]);
        body.appendChild(row);
      });
  }

  // --- per-ISV activity -----------------------------------------------------------------------------

  function showActivity(isvId) {
    $('activity-isv').value = isvId;
    loadActivity();
    $('isv-activity').scrollIntoView({ block: 'nearest' });
  }

  function loadActivity() {
    var isvId = $('activity-isv').value.trim();
    clearInterval(state.activityTimer);
    if (!isvId) return;
    var minutes = $('activity-minutes').value;
    api('GET', '/admin/v1/isvs/' + encodeURIComponent(isvId) + '/activity?minutes=' + encodeURIComponent(minutes))
      .then(function (body) {
        renderChart(body);
        state.activityTimer = setInterval(loadActivity, ACTIVITY_REFRESH_MS);
      })
      .catch(function (error) {
        if (error.status !== 401) $('activity-message').textContent = 'Activity could not be loaded: ' + error.message;
      });
  }

  function renderChart(body) {
    var totals = { issued: 0, used: 0, rejected: 0 };
    body.points.forEach(function (p) {
      totals.issued += p.issued;
      totals.used += p.used;
      totals.rejected += p.rejected;
    });
    var panel = $('isv-activity');
    panel.setAttribute('data-isv-id', body.isvId);
    panel.setAttribute('data-total-issued', String(totals.issued));
    panel.setAttribute('data-total-used', String(totals.used));
    panel.setAttribute('data-total-rejected', String(totals.rejected));
    $('activity-message').textContent =
      body.isvId + ', last ' + body.points.length + ' min: ' + totals.issued + ' issued, ' + totals.used + ' used, ' + totals.rejected + ' refused';
    if (typeof window.Chart !== 'function') {
      $('activity-message').textContent += ' (charts unavailable)';
      return;
    }
    var labels = body.points.map(function (p) {
      return p.minute.slice(11, 16);
    });
    var series = function (name) {
      return body.points.map(function (p) {
        return p[name];
      });
    };
    var datasets = [
      { label: 'issued', data: series('issued'), borderColor: '#2563eb', backgroundColor: '#2563eb', tension: 0.2, pointRadius: 0 },
      { label: 'used', data: series('used'), borderColor: '#16a34a', backgroundColor: '#16a34a', tension: 0.2, pointRadius: 0 },
      { label: 'refused', data: series('rejected'), borderColor: '#dc2626', backgroundColor: '#dc2626', tension: 0.2, pointRadius: 0 },
    ];
    if (state.chart) {
      state.chart.data.labels = labels;
      state.chart.data.datasets = datasets;
      state.chart.update('none');
      return;
    }
    state.chart = new window.Chart($('activity-chart'), {
      type: 'line',
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  // --- wiring ---------------------------------------------------------------------------------------

  function init() {
    $('login-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var input = $('operator-key');
      var key = input.value.trim();
      input.value = '';
      if (!key) {
        $('login-error').textContent = 'Enter the operator key.';
        return;
      }
      signIn(key);
    });
    $('sign-out').addEventListener('click', function () {
      signOut('');
    });
    ['filter-severity', 'filter-status'].forEach(function (id) {
      $(id).addEventListener('change', function () {
        scheduleRender();
        loadAlerts();
      });
    });
    ['filter-rule', 'filter-isv'].forEach(function (id) {
      $(id).addEventListener('input', scheduleRender);
      $(id).addEventListener('change', loadAlerts);
    });
    $('action-acknowledge').addEventListener('click', acknowledge);
    $('action-revoke-client').addEventListener('click', function () {
      revoke('isv-client');
    });
    $('action-revoke-isv').addEventListener('click', function () {
      revoke('isv');
    });
    $('action-reinstate-client').addEventListener('click', function () {
      reinstate('isv-client');
    });
    $('action-reinstate-isv').addEventListener('click', function () {
      reinstate('isv');
    });
    $('action-show-activity').addEventListener('click', function () {
      var alert = selectedAlert();
      if (alert && alert.isvId) showActivity(alert.isvId);
    });
    $('confirm-submit').addEventListener('click', submitConfirmation);
    $('confirm-cancel').addEventListener('click', function () {
      $('confirm-dialog').close('cancel');
    });
    $('activity-form').addEventListener('submit', function (event) {
      event.preventDefault();
      loadActivity();
    });
    var severity = $('filter-severity');
    SEVERITIES.forEach(function (name) {
      severity.appendChild(el('option', { value: name, text: name }));
    });
    var stored = sessionStorage.getItem(KEY_STORAGE);
    if (stored) signIn(stored);
    else signOut('');
  }

  init();
})();
`;
