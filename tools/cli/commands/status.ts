import type { Command } from 'commander';
import { CliError } from '../lib/cli-error';
import type { CliContext } from '../lib/cli-context';
import type { CommandRunner } from '../lib/command-runner';
import { EXIT, type ExitCode } from '../lib/exit-codes';
import { renderTable } from '../lib/output';
import { parsePrometheusText, samplesNamed } from '../lib/prometheus-text';

/** Metric names of docs/OPERATIONS.md "Metrics". */
export const CONSUMER_LAG = 'latchkey_consumer_lag';
export const OUTBOX_BACKLOG = 'latchkey_outbox_backlog';

export interface ConsumerLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: string;
  readonly lag: number;
}

export interface ServiceStatus {
  readonly service: string;
  readonly url: string;
  readonly ready: boolean;
  /** The readiness checks that fail (`database`, `bus`, `revocations`, …), or why the service could not be asked. */
  readonly problems: readonly string[];
  readonly consumerLag: readonly ConsumerLag[];
  readonly outboxBacklog: readonly { readonly schema: string; readonly rows: number }[];
}

async function readiness(fetchImpl: typeof fetch, url: string): Promise<{ ready: boolean; problems: string[] }> {
  try {
    const response = await fetchImpl(`${url}/readyz`, { headers: { accept: 'application/json' } });
    const body = (await response.json().catch(() => undefined)) as { error?: Record<string, unknown> } | undefined;
    if (response.ok) return { ready: true, problems: [] };
    const failing = Object.keys(body?.error ?? {});
    return { ready: false, problems: failing.length > 0 ? failing : [`readyz answered ${response.status}`] };
  } catch (error) {
    return { ready: false, problems: [`unreachable (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`] };
  }
}

async function metrics(fetchImpl: typeof fetch, url: string): Promise<Pick<ServiceStatus, 'consumerLag' | 'outboxBacklog'> & { problem?: string }> {
  try {
    const response = await fetchImpl(`${url}/metrics`);
    if (!response.ok) return { consumerLag: [], outboxBacklog: [], problem: `metrics answered ${response.status}` };
    const samples = parsePrometheusText(await response.text());
    return {
      consumerLag: samplesNamed(samples, CONSUMER_LAG).map((s) => ({
        group: s.labels['group'] ?? '',
        topic: s.labels['topic'] ?? '',
        partition: s.labels['partition'] ?? '',
        lag: s.value,
      })),
      outboxBacklog: samplesNamed(samples, OUTBOX_BACKLOG).map((s) => ({ schema: s.labels['schema'] ?? '', rows: s.value })),
    };
  } catch (error) {
    return { consumerLag: [], outboxBacklog: [], problem: `metrics unreadable (${(error as Error).message})` };
  }
}

/** One service's readiness and its queues, from `/readyz` and `/metrics` (both public). */
export async function serviceStatus(fetchImpl: typeof fetch, service: string, url: string): Promise<ServiceStatus> {
  const [ready, queues] = await Promise.all([readiness(fetchImpl, url), metrics(fetchImpl, url)]);
  const problems = queues.problem && ready.ready ? [queues.problem] : ready.problems;
  return { service, url, ready: ready.ready, problems, consumerLag: queues.consumerLag, outboxBacklog: queues.outboxBacklog };
}

/**
 * A summary per service, then the lag per group, topic and partition and the
 * backlog per schema. Those two are deduplicated: services in one process
 * (the standalone platform) share one meter provider and all report every
 * consumer and outbox, and a group is one group whoever reports it.
 */
export function describeStatus(statuses: readonly ServiceStatus[]): string {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const distinct = <T>(items: T[], key: (item: T) => string): T[] => [...new Map(items.map((item) => [key(item), item])).values()];
  const parts = [
    renderTable(
      ['service', 'url', 'ready', 'consumer lag', 'outbox backlog', 'problems'],
      statuses.map((s) => [
        s.service,
        s.url,
        s.ready ? 'yes' : 'NO',
        sum(s.consumerLag.map((l) => l.lag)),
        sum(s.outboxBacklog.map((o) => o.rows)),
        s.problems,
      ]),
    ),
  ];
  const lags = distinct(
    statuses.flatMap((s) => s.consumerLag),
    (l) => `${l.group}\u0000${l.topic}\u0000${l.partition}`,
  ).sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || Number(a.partition) - Number(b.partition));
  if (lags.length > 0)
    parts.push(
      'consumer lag',
      renderTable(
        ['group', 'topic', 'partition', 'lag'],
        lags.map((l) => [l.group, l.topic, l.partition, l.lag]),
      ),
    );
  const backlog = distinct(
    statuses.flatMap((s) => s.outboxBacklog),
    (o) => o.schema,
  );
  if (backlog.length > 0)
    parts.push(
      'outbox backlog',
      renderTable(
        ['schema', 'rows'],
        backlog.map((o) => [o.schema, o.rows]),
      ),
    );
  return parts.join('\n');
}

async function status(ctx: CliContext): Promise<ExitCode> {
  const services = await ctx.endpoints.known();
  if (services.length === 0) {
    throw new CliError(
      `no service URLs: give --<service>-url or LATCHKEY_<SERVICE>_URL, or run \`npm start\` (it writes ${ctx.endpoints.credentialsPath})`,
    );
  }
  const statuses = await Promise.all(services.map(({ service, url }) => serviceStatus(ctx.io.fetch, service, url)));
  ctx.out.result({ services: statuses }, () => describeStatus(statuses));
  return statuses.every((s) => s.ready) ? EXIT.OK : EXIT.CHECK_FAILED;
}

/** `latchkey status`: is every service ready, how far behind are its consumers, how many events wait in its outbox. */
export function registerStatusCommand(program: Command, runner: CommandRunner): void {
  program
    .command('status')
    .description('each service: ready or not, consumer lag per group and partition, outbox backlog (exit 1 when one is not ready)')
    .action(runner.action((ctx) => status(ctx)));
}
