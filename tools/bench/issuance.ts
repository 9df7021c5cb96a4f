/**
 * Issuance throughput and latency with durable recording on PostgreSQL,
 * against a bare route that only signs, and the raw signing rate, in one run
 * (issue 3, "Benchmark"; results in docs/BENCHMARKS.md).
 *
 *   npx tsx tools/bench/issuance.ts [--seconds 20] [--warmup 5] [--connections 32[,8,64...]] [--telemetry]
 *                                   [--cpu-prof DIR] [--routes issuance,sign-only]
 *
 * - PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres):
 *   a scratch database lk_bench_<random>, dropped at the end.
 * - The issuer boots in a child process (issuer-server.ts) on the in-process
 *   bus: an issuance is durable once its row and its outbox row commit in one
 *   PostgreSQL transaction, before the 200; Kafka only relays the outbox later.
 * - For each connection count, autocannon (pipelining 1) runs a warm-up and
 *   a measured run on issueLimitedAccessToken, then on /bench/sign-only; then
 *   jose's raw signing rate in this process with the server idle. Closed
 *   loop: latency is measured at the throughput the run sustained.
 *   (autocannon's overallRate is no open-loop pacer: each connection fires
 *   its quota at the top of every second, then idles.)
 * - Finally it checks that issuer.issuances holds exactly one row per 200
 *   (plus the requests still in flight when a run's time was up).
 *
 * --telemetry preloads OpenTelemetry like apps/issuer/src/main.ts (spans are
 * created, nothing exported); LOG_LEVEL defaults to warn (pino-http logs
 * every request at info). --cpu-prof DIR writes a V8 CPU profile of the
 * issuer (open it in Chrome DevTools) to see where its time goes; with
 * --routes issuance it covers issuance alone.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import { openDatabase, type Database } from '@latchkey/persistence';
import { createScratchDatabase, DEFAULT_ADMIN_URL } from '@latchkey/testing';
import { generateApiKey, isSigningAlgorithm, measureSignatureRate } from '@latchkey/tokens';
import { BENCH_RESOURCE } from './bench-protocol';
import { sampleCpu, splitCpu } from './cpu-meter';
import { printReport, type Run, type Verification } from './issuance-report';
import { capacityRunShedding } from './capacity-run-env';
import { issuerBenchEnvironment, IssuerProcess } from './issuer-process';

const ISSUE_PATH = '/sts/v1.0/issueLimitedAccessToken?expiredTime=3600';
const SIGN_ONLY_PATH = '/bench/sign-only';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    telemetry: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    routes: { type: 'string', default: 'issuance,sign-only' },
  },
});
const routes = args.routes.split(',');
if (routes.some((r) => r !== 'issuance' && r !== 'sign-only')) throw new Error('--routes takes issuance and/or sign-only');
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const connectionCounts = args.connections.split(',').map(Number);
if ([seconds, warmupSeconds, ...connectionCounts].some((n) => !Number.isInteger(n) || n < 0)) {
  throw new Error('--seconds, --warmup and --connections take whole numbers');
}

/** A run, and how many requests its clients wrote, got answered, and got a 200 for. */
type Measured = Run & { readonly sent: number; readonly answered: number; readonly ok: number };

async function measure(issuer: IssuerProcess, run: Omit<Run, 'result' | 'cpu'>, isvKey: string, duration: number): Promise<Measured> {
  let sent = 0;
  let answered = 0;
  let ok = 0;
  const before = sampleCpu(await issuer.cpuMicros());
  const result = await autocannon({
    url: issuer.url + (run.route === 'issuance' ? ISSUE_PATH : SIGN_ONLY_PATH),
    method: 'POST',
    // Both routes get the same request, so they differ only in what the server does with it.
    headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': isvKey, 'user-agent': 'latchkey-bench' },
    body: JSON.stringify({ targetAzureResourceId: BENCH_RESOURCE, featureFlags: [...FEATURE_FLAGS] }),
    connections: run.connections,
    pipelining: 1,
    duration,
    // Attached before the client's first request, so every request is seen.
    setupClient: (client) => {
      // 'request' is emitted by autocannon's client but missing from its typings.
      (client as NodeJS.EventEmitter).on('request', () => (sent += 1));
      client.on('response', (status: number) => {
        answered += 1;
        if (status === 200) ok += 1;
      });
    },
  });
  return { ...run, result, cpu: splitCpu(before, sampleCpu(await issuer.cpuMicros())), sent, answered, ok };
}

/** One row per 200, and one `lat.issued` event per row: the durable recording happened. */
async function verify(db: Database, issued2xx: number, unanswered: number): Promise<Verification> {
  const count = async (sql: string) => Number((await db.query<{ n: string }>(sql))[0]?.n ?? -1);
  return {
    responses2xx: issued2xx,
    unanswered,
    issuanceRows: await count('SELECT count(*) AS n FROM issuer.issuances'),
    issuedEvents: await count("SELECT count(*) AS n FROM issuer.outbox WHERE topic = 'lat.issued'"),
    unpublishedEvents: await count('SELECT count(*) AS n FROM issuer.outbox WHERE published_at IS NULL'),
  };
}

async function postgresSettings(db: Database): Promise<string> {
  const show = async (name: string) => (await db.query<Record<string, string>>(`SHOW ${name}`))[0]?.[name] ?? '?';
  const version = (await show('server_version')).split(' ')[0] ?? '?';
  return `PostgreSQL ${version} (synchronous_commit=${await show('synchronous_commit')}, fsync=${await show('fsync')})`;
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const scratch = await createScratchDatabase(process.env['DATABASE_URL'] ?? DEFAULT_ADMIN_URL, 'bench');
  const isvKey = generateApiKey('isv');
  const env = { ...issuerBenchEnvironment(scratch.url, isvKey), ...capacityRunShedding() };
  delete env['KAFKA_BROKERS']; // the in-process bus: see the header comment
  let issuer: IssuerProcess | undefined;
  try {
    issuer = await IssuerProcess.start(env, args.telemetry, args['cpu-prof']);
    if (!isSigningAlgorithm(issuer.alg)) throw new Error(`unexpected signing algorithm ${issuer.alg}`);
    const runs: Run[] = [];
    // Every issuance 200 (warm-ups included) to check against the rows, and the
    // requests still in flight when a run stopped: autocannon drops their
    // answers, but the issuer completes and records them.
    let issued2xx = 0;
    let unanswered = 0;
    const server = issuer;
    const load = async (run: Omit<Run, 'result' | 'cpu'>, duration: number) => {
      const measured = await measure(server, run, isvKey, duration);
      if (run.route === 'issuance') {
        issued2xx += measured.ok;
        unanswered += measured.sent - measured.answered;
      }
      return measured;
    };
    for (const connections of connectionCounts) {
      for (const route of routes as ('issuance' | 'sign-only')[]) {
        if (warmupSeconds > 0) await load({ route, connections }, warmupSeconds);
        runs.push(await load({ route, connections }, seconds));
        console.error(`measured ${route} at ${connections} connections`);
      }
    }
    const db = await openDatabase({ url: scratch.url, maxConnections: 1 });
    const [verification, postgres] = await Promise.all([verify(db, issued2xx, unanswered), postgresSettings(db)]).finally(() => db.close());
    // With the server idle, so jose has both cores as a busy server would;
    // four measurements of up to 3 s (shorter in short smoke runs).
    const raw = await measureSignatureRate(issuer.alg, Math.min(3_000, seconds * 250), 32);
    printReport({
      alg: issuer.alg,
      seconds,
      warmupSeconds,
      postgres,
      telemetry: args.telemetry,
      logLevel: env['LOG_LEVEL'] ?? 'warn',
      loadBefore,
      loadAfter: loadavg(),
      runs,
      raw,
      verification,
    });
    if (verification.issuanceRows !== verification.responses2xx + verification.unanswered || runs.some((r) => r.result.non2xx > 0))
      process.exitCode = 1;
  } finally {
    await issuer?.stop();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
