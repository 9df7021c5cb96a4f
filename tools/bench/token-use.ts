/**
 * Gated-request throughput and latency at face-api with every use recorded
 * on Kafka, against the same operation unguarded and a bare route that only
 * verifies the token, in one run (issue 4, "Benchmark"; results in
 * docs/BENCHMARKS.md).
 *
 *   npx tsx tools/bench/token-use.ts [--seconds 20] [--warmup 5] [--connections 32[,8...]]
 *                                    [--scenarios unguarded,guarded-reused,...] [--reused-tokens 32]
 *                                    [--rounds 1] [--max-rate 6000] [--telemetry] [--cpu-prof DIR] [--idle-load 0.8]
 *
 * Scenarios, all POST with the same verify body, subscription key and a
 * `LimitedAccessToken: Bearer <jwt>` header:
 *   unguarded            /bench/unguarded/verify: the same handler behind the key guard only
 *   guarded-reused       /face/v1.0/verify; tokens reused across requests (a pool of --reused-tokens, round robin), as real clients do
 *   guarded-fresh        /face/v1.0/verify; a token never seen before on every request
 *   guarded-reused-noop  guarded-reused with the use recorder replaced by a no-op: what recording costs
 *   guarded-fresh-noop   guarded-fresh with the no-op recorder (not in the default set)
 *   guarded-fresh-es256  guarded-fresh with ES256 tokens
 *   verify-only          /bench/verify-only: verifyLimitedAccessToken (jose jwtVerify) and nothing else, fresh EdDSA tokens
 *   verify-only-es256    the same with ES256 tokens (the issue quotes ES256)
 *
 * - PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres):
 *   a scratch database lk_bench_<random>, dropped at the end.
 * - Kafka at KAFKA_BROKERS, else the local broker of tools/scripts/kafka.ts
 *   (started if none runs). Every served guarded request's `lat.used` goes
 *   through the face-api's AcknowledgedPublisher to that broker before the
 *   handler runs (fail closed).
 * - Tokens: EdDSA (the issuer's default) and ES256 keys of a local issuer
 *   whose JWKS the face-api fetches over HTTP. Fresh tokens are signed here
 *   into a pool before each run (timed; never inside the measured window):
 *   the warm-up's pool holds --max-rate × warm-up seconds, the measured
 *   run's twice the warm-up's rate (or the fastest run of the route so far)
 *   × seconds. A run that still runs out reuses tokens and is flagged POOL
 *   EXHAUSTED.
 * - --rounds N repeats the whole sequence in the same process, every other
 *   round in reverse order (ABBA), for repeatability within one run.
 * - autocannon, closed loop, pipelining 1, every request built by
 *   setupRequest (the same load-generator cost in every scenario).
 * - Then jose's raw verification rate of both algorithms in this process, the server idle.
 * - Finally: the publisher's receipts for `lat.used` must cover every guarded
 *   200 (real recorder), and the records appended to Kafka must equal them.
 *
 * LOG_LEVEL defaults to warn (pino-http logs every request at info);
 * --telemetry preloads OpenTelemetry like apps/face-api/src/main.ts;
 * --cpu-prof DIR writes a V8 CPU profile of the face-api.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LatRejectedV1, LatUsedV1, Topics } from '@latchkey/contracts';
import { KafkaTransport } from '@latchkey/messaging';
import { openDatabase } from '@latchkey/persistence';
import { createScratchDatabase, DEFAULT_ADMIN_URL } from '@latchkey/testing';
import { measureSignatureRate, type SigningAlgorithm } from '@latchkey/tokens';
import { kafkaBrokers, topicEnd } from './bench-kafka';
import { capacityRunShedding } from './capacity-run-env';
import { BenchTokenIssuer } from './bench-token-issuer';
import { FaceApiProcess } from './face-api-process';
import { waitForIdleMachine } from './idle-machine';
import { printReport, recordingConsistent, type RecordingCheck } from './token-use-report';
import { DEFAULT_SCENARIOS, SCENARIOS, ScenarioRunner } from './token-use-scenarios';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '1' },
    scenarios: { type: 'string', default: DEFAULT_SCENARIOS },
    'reused-tokens': { type: 'string', default: '32' },
    'max-rate': { type: 'string', default: '6000' },
    'idle-load': { type: 'string', default: '0.8' },
    telemetry: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const scenarios = args.scenarios.split(',');
const unknown = scenarios.filter((s) => !(s in SCENARIOS));
if (unknown.length > 0) throw new Error(`unknown scenarios ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const reusedCount = Number(args['reused-tokens']);
const maxRate = Number(args['max-rate']);
const rounds = Number(args.rounds);
const connectionCounts = args.connections.split(',').map(Number);
if ([seconds, warmupSeconds, reusedCount, maxRate, rounds, ...connectionCounts].some((n) => !Number.isInteger(n) || n < 0) || reusedCount < 1) {
  throw new Error('--seconds, --warmup, --connections, --rounds, --reused-tokens and --max-rate take whole numbers');
}

async function postgresVersion(url: string): Promise<string> {
  const db = await openDatabase({ url, maxConnections: 1 });
  try {
    const [row] = await db.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${row?.server_version.split(' ')[0] ?? '?'}`;
  } finally {
    await db.close();
  }
}

/** Waits until the publisher has nothing queued or spooled, so its counts and Kafka's are final. */
async function drained(server: FaceApiProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await server.counts();
    if (counts.pendingEvents === 0 && counts.queued === 0) return;
    if (Date.now() > deadline) throw new Error(`the spool still holds ${counts.pendingEvents} events after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main(): Promise<void> {
  await waitForIdleMachine(Number(args['idle-load']));
  const loadBefore = loadavg();
  const brokers = kafkaBrokers();
  const scratch = await createScratchDatabase(process.env['DATABASE_URL'] ?? DEFAULT_ADMIN_URL, 'bench');
  const spoolDir = mkdtempSync(join(tmpdir(), 'lk-bench-spool-'));
  const issuer = await BenchTokenIssuer.create();
  const kafka = new KafkaTransport({ brokers: brokers.split(','), clientId: 'latchkey-bench' });
  let server: FaceApiProcess | undefined;
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...(await issuer.start()),
      DATABASE_URL: scratch.url,
      KAFKA_BROKERS: brokers,
      LATCHKEY_SPOOL_DIR: spoolDir,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
      ...capacityRunShedding(),
    };
    server = await FaceApiProcess.start(env, args.telemetry, args['cpu-prof']);
    const reused: Record<SigningAlgorithm, readonly string[]> = {
      EdDSA: (await issuer.pool(server.ready.resourceId, 'EdDSA', reusedCount)).tokens,
      ES256: (await issuer.pool(server.ready.resourceId, 'ES256', reusedCount)).tokens,
    };
    const usedBefore = await topicEnd(kafka, Topics.LatUsed);
    const rejectedBefore = await topicEnd(kafka, Topics.LatRejected);

    const runner = new ScenarioRunner(server, issuer, reused, { seconds, warmupSeconds, maxRate });
    for (let round = 1; round <= rounds; round++) {
      // ABBA: even rounds reverse the order, so drift (JIT, heap, the broker's log) falls on every scenario alike.
      const order = round % 2 === 1 ? scenarios : [...scenarios].reverse();
      for (const connections of connectionCounts) for (const name of order) await runner.run(name, connections, round);
    }
    const { runs, pools, served, unanswered } = runner;
    await server.setRecorder('kafka');
    await drained(server);
    const counts = await server.counts();
    const used = counts.accepted[LatUsedV1.type] ?? { bus: 0, spool: 0 };
    const recording: RecordingCheck = {
      served,
      unanswered,
      usedViaBus: used.bus,
      usedViaSpool: used.spool,
      refused: counts.refused,
      kafkaUsed: Number((await topicEnd(kafka, Topics.LatUsed)) - usedBefore),
      kafkaRejected: Number((await topicEnd(kafka, Topics.LatRejected)) - rejectedBefore),
    };
    if ((counts.accepted[LatRejectedV1.type]?.bus ?? 0) > 0)
      console.error('some requests were refused (lat.rejected published): see the errors column');
    // With the server idle, so jose has both cores as a busy server would; four measurements of up to 3 s per algorithm.
    const rawMs = Math.min(3_000, seconds * 250);
    const raw = [await measureSignatureRate('EdDSA', rawMs, 32), await measureSignatureRate('ES256', rawMs, 32)];
    printReport({
      brokers,
      postgres: await postgresVersion(scratch.url),
      seconds,
      warmupSeconds,
      logLevel: env['LOG_LEVEL'] ?? 'warn',
      telemetry: args.telemetry,
      loadBefore,
      loadAfter: loadavg(),
      runs,
      pools,
      recording,
      raw,
    });
    if (!recordingConsistent(recording) || runs.some((r) => r.result.non2xx + r.result.errors > 0 || r.poolExhausted > 0)) process.exitCode = 1;
  } finally {
    await server?.stop();
    await kafka.close().catch(() => undefined);
    await issuer.stop();
    await scratch.drop();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
