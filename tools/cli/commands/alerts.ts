import type { Command } from 'commander';
import type { CliContext } from '../lib/cli-context';
import type { CommandRunner } from '../lib/command-runner';
import { CliError } from '../lib/cli-error';
import { readServerSentEvents } from '../lib/sse';
import { renderTable } from '../lib/output';

/** An alert as the abuse detector's admin API shows it (docs/ABUSE.md). */
interface AlertView {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly status: string;
  readonly subject: { readonly kind: string; readonly id: string };
  readonly isvId: string | null;
  readonly resourceId: string | null;
  readonly count: number;
  readonly lastSeenAt: string;
}

/** How long to wait before reconnecting a stream the server ended (it asks for 2 s with `retry:`). */
const RECONNECT_MS = 2000;

export function describeAlert(alert: AlertView): string {
  return [
    alert.lastSeenAt,
    alert.severity.toUpperCase(),
    alert.ruleId,
    alert.status,
    `${alert.subject.kind}:${alert.subject.id}`,
    alert.isvId ? `isv ${alert.isvId}` : '',
    `x${alert.count}`,
    alert.id,
  ]
    .filter((part) => part !== '')
    .join('  ');
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true });
  });

/**
 * The items of `source` until `signal` fires: Ctrl-C must end a quiet
 * stream at once, not at the next heartbeat (the request's own abort does
 * that too, with fetch; this does not depend on it).
 */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const aborted = new Promise<IteratorResult<T>>((done) => {
    if (signal.aborted) done({ done: true, value: undefined });
    signal.addEventListener('abort', () => done({ done: true, value: undefined }), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    void iterator.return?.()?.catch(() => undefined);
  }
}

/**
 * Follows `GET /admin/v1/alerts/stream` (SSE: every open alert first, then
 * each new or changed one) and prints one line per alert (NDJSON with
 * --json). Reconnects when the server ends the stream; Ctrl-C ends it with
 * exit 0. `--max` stops after that many alerts (for scripts and tests).
 */
async function tail(ctx: CliContext, command: Command): Promise<void> {
  const { max } = command.opts<{ max?: string }>();
  const limit = max === undefined ? Infinity : Number(max);
  if (max !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new CliError('--max must be a positive integer');
  const { client, credential } = await ctx.admin('abuse-detector');
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  ctx.io.interrupt.addEventListener('abort', onInterrupt, { once: true });
  let seen = 0;
  try {
    while (!stop.signal.aborted) {
      try {
        const response = await client.send('GET', '/admin/v1/alerts/stream', { credential, accept: 'text/event-stream', signal: stop.signal });
        if (!response.body) throw new CliError('the abuse detector answered the alert stream without a body');
        ctx.out.note(`following alerts at ${client.baseUrl} (Ctrl-C ends)`);
        // Node’s fetch body is an async iterable of bytes; the DOM typings do not say so.
        for await (const event of untilAborted(readServerSentEvents(response.body as unknown as AsyncIterable<Uint8Array>), stop.signal)) {
          if (event.event !== 'alert') continue;
          const alert = JSON.parse(event.data) as AlertView;
          ctx.out.line(alert, () => describeAlert(alert));
          if (++seen >= limit) return stop.abort();
        }
      } catch (error) {
        if (stop.signal.aborted || (error as Error).name === 'AbortError') return;
        // A refusal or a bad address will not mend itself: end with its exit code. A dropped stream does: reconnect.
        if (error instanceof CliError) throw error;
        ctx.out.note(`alert stream interrupted (${(error as Error).message}); reconnecting`);
      }
      if (!stop.signal.aborted) await sleep(RECONNECT_MS, stop.signal);
    }
  } finally {
    ctx.io.interrupt.removeEventListener('abort', onInterrupt);
  }
}

/** `latchkey alerts …`: the abuse detector's alerts, listed or followed live. */
export function registerAlertCommands(program: Command, runner: CommandRunner): void {
  const alerts = program.command('alerts').description("the abuse detector's alerts");

  alerts
    .command('list')
    .description('alerts, most recently seen first')
    .option('--status <status>', 'open or acknowledged')
    .option('--severity <severity>', 'e.g. critical')
    .option('--limit <n>', 'how many (server default 50)')
    .action(
      runner.action(async (ctx, command) => {
        const { status, severity, limit } = command.opts<{ status?: string; severity?: string; limit?: string }>();
        const { client, credential } = await ctx.admin('abuse-detector');
        const { alerts: found } = await client.json<{ alerts: AlertView[] }>('GET', '/admin/v1/alerts', {
          credential,
          query: { status, severity, limit },
        });
        ctx.out.result({ alerts: found }, () =>
          found.length === 0
            ? 'no alerts'
            : renderTable(
                ['last seen', 'severity', 'rule', 'status', 'subject', 'ISV', 'count', 'id'],
                found.map((a) => [a.lastSeenAt, a.severity, a.ruleId, a.status, `${a.subject.kind}:${a.subject.id}`, a.isvId, a.count, a.id]),
              ),
        );
      }),
    );

  alerts
    .command('tail')
    .description('follow alerts live (every open alert first, then each new or changed one); Ctrl-C ends')
    .option('--max <n>', 'stop after this many alerts')
    .action(runner.action(tail));
}
