/**
 * Revocation latency with real Kafka: from publishing an `access.revocation`
 * for a token's `jti` to the first request with that token refused at
 * face-api (401 TokenRevoked), repeated with fresh tokens (issue 4; results
 * in docs/BENCHMARKS.md, target p99 < 1 s).
 *
 *   npx tsx tools/bench/revocation-latency.ts [--count 200] [--warmup 5] [--pollers 2] [--gap-ms 0] [--idle-load 0.8]
 *
 * - The face-api (face-api-server.ts) runs in its own process on a scratch
 *   PostgreSQL database and the Kafka broker (KAFKA_BROKERS, else the local
 *   broker of tools/scripts/kafka.ts, started if none runs), with
 *   LOG_LEVEL=info: its revocation feed logs `revocation applied` (with
 *   `appliedAt` and `propagationMs`) for every record, and the server passes
 *   those lines to this process.
 * - --pollers connections call POST /face/v1.0/verify back to back (plus
 *   --gap-ms) with the current token; every served request records its
 *   `lat.used` on Kafka first, as in production.
 * - Per revocation: a fresh token; wait until it is served; a random pause
 *   (20–120 ms, so publishes do not line up with the consumer's fetches);
 *   then, through a separate producer (EventBus on KafkaTransport), publish
 *   the revocation of its `jti`, timed from just before `publish`, and wait
 *   for the first 401 TokenRevoked and for the verifier's acknowledgement.
 * - It splits the total into: broker acknowledgement of the publish;
 *   delivery to the verifier (its `appliedAt`); and applied → first refusal
 *   (the request path, and waiting for the next request to arrive).
 *   Any request sent after `appliedAt` and still served is a violation.
 *
 * Each run leaves --count + --warmup records (one `jti` key each) in the
 * compacted access.revocation topic, which every verifier reads at start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { EventBus, KafkaTransport } from '@latchkey/messaging';
import { createScratchDatabase, DEFAULT_ADMIN_URL } from '@latchkey/testing';
import { kafkaBrokers } from './bench-kafka';
import { BenchTokenIssuer } from './bench-token-issuer';
import { FaceApiProcess } from './face-api-process';
import { waitForIdleMachine } from './idle-machine';
import { RevocationPoller, TokenWatch } from './revocation-poller';
import { GUARDED_PATH, type RevocationAck } from './token-use-protocol';

/** The issue's target: p99 from the revocation event to the first refusal. */
const TARGET_P99_MS = 1000;
const STEP_TIMEOUT_MS = 15_000;

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '5' },
    pollers: { type: 'string', default: '2' },
    'gap-ms': { type: 'string', default: '0' },
    'idle-load': { type: 'string', default: '0.8' },
  },
});
const [count, warmup, pollers, gapMs] = [args.count, args.warmup, args.pollers, args['gap-ms']].map(Number) as [number, number, number, number];
if ([count, warmup, pollers, gapMs].some((n) => !Number.isInteger(n) || n < 0) || pollers < 1 || count < 1) {
  throw new Error('--count, --warmup, --pollers and --gap-ms take whole numbers (count and pollers ≥ 1)');
}

/** One revocation, in milliseconds from just before `publish`. */
interface Sample {
  readonly publishAcked: number;
  readonly applied: number;
  /** As the verifier logged it: from the event's `time` to its application. */
  readonly propagation: number;
  readonly firstRefusal: number;
  /** First refusal, as this client received it, minus `appliedAt`. */
  readonly appliedToRefusal: number;
  /** Requests sent after `appliedAt` that were still served (must be 0). */
  readonly servedAfterApplied: number;
}

/** Nearest-rank percentile. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function distribution(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return [percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1] ?? Number.NaN, mean]
    .map((v) => v.toFixed(1).padStart(7))
    .join(' ');
}

/** Resolves with the verifier's acknowledgement of `revocationId`, whenever it arrived. */
function acknowledgements(server: FaceApiProcess): (revocationId: string) => Promise<RevocationAck> {
  const arrived = new Map<string, RevocationAck>();
  const waiting = new Map<string, (ack: RevocationAck) => void>();
  server.onRevocationApplied((ack) => {
    arrived.set(ack.revocationId, ack);
    waiting.get(ack.revocationId)?.(ack);
  });
  return (id) => {
    const known = arrived.get(id);
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no 'revocation applied' for ${id} within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      waiting.set(id, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
  };
}

async function revokeOnce(issuer: BenchTokenIssuer, server: FaceApiProcess, poller: RevocationPoller, bus: EventBus, ackOf: (id: string) => Promise<RevocationAck>): Promise<Sample> {
  const { token, jti } = await issuer.mint(server.ready.resourceId);
  const watch = new TokenWatch(token);
  poller.follow(watch);
  await watch.whenServed(STEP_TIMEOUT_MS);
  await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 100));
  watch.watch();
  const startedEpoch = Date.now();
  const started = performance.now();
  const envelope = await bus.publish(AccessRevocationV1, {
    subject: { kind: 'jti', jti },
    notBefore: new Date().toISOString(),
    action: 'revoke',
    reason: 'ADMIN.MANUAL',
    alertId: null,
    actor: 'bench:revocation-latency',
  });
  const publishAcked = performance.now() - started;
  await watch.whenRefused(STEP_TIMEOUT_MS);
  const ack = await ackOf(envelope.id);
  const appliedAt = Date.parse(ack.appliedAt);
  const refusal = watch.firstRefusal ?? { perf: Number.NaN, epoch: Number.NaN };
  if (watch.unexpected.size > 0) throw new Error(`unexpected answers: ${JSON.stringify([...watch.unexpected])}`);
  return {
    publishAcked,
    applied: appliedAt - startedEpoch,
    propagation: ack.propagationMs,
    firstRefusal: refusal.perf - started,
    appliedToRefusal: refusal.epoch - appliedAt,
    servedAfterApplied: watch.servedSentAt.filter((sentAt) => sentAt > appliedAt).length,
  };
}

function printReport(samples: readonly Sample[], poller: RevocationPoller, runMs: number, brokers: string, loadBefore: readonly number[]): void {
  const cpu = cpus();
  console.log(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; Kafka ${brokers}`);
  console.log(
    `${samples.length} jti revocations (after ${warmup} unmeasured); ${pollers} connections polling POST ${GUARDED_PATH} back to back` +
      `${gapMs > 0 ? ` with ${gapMs} ms gaps` : ''}; LOG_LEVEL=info`,
  );
  const latencies = [...poller.servedLatencies].sort((a, b) => a - b);
  console.log(
    `served requests meanwhile: ${latencies.length.toLocaleString('en-US')} (${Math.round(latencies.length / (runMs / 1000))}/s), ` +
      `latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
  );
  console.log(`load average (1/5/15 min) ${loadBefore.map((x) => x.toFixed(2)).join(' ')} before → ${loadavg().map((x) => x.toFixed(2)).join(' ')} after\n`);
  console.log('ms from just before publish                      p50     p95     p99     max    mean');
  const line = (label: string, pick: (s: Sample) => number) => console.log(`${label.padEnd(44)} ${distribution(samples.map(pick))}`);
  line('broker acknowledged the publish', (s) => s.publishAcked);
  line('verifier applied it (its appliedAt)', (s) => s.applied);
  line('  as the verifier logged it (propagationMs)', (s) => s.propagation);
  line('applied → first refusal received', (s) => s.appliedToRefusal);
  line('first 401 TokenRevoked received (total)', (s) => s.firstRefusal);
  const p99 = percentile([...samples.map((s) => s.firstRefusal)].sort((a, b) => a - b), 99);
  const violations = samples.reduce((sum, s) => sum + s.servedAfterApplied, 0);
  console.log(`\ntarget: p99 revocation → first refusal < ${TARGET_P99_MS} ms: ${p99.toFixed(1)} ms ${p99 < TARGET_P99_MS ? 'PASS' : 'MISS'}`);
  console.log(`requests sent after the verifier applied the revocation and still served: ${violations} ${violations === 0 ? '(none: OK)' : 'VIOLATION'}`);
}

async function main(): Promise<void> {
  await waitForIdleMachine(Number(args['idle-load']));
  const loadBefore = loadavg();
  const brokers = kafkaBrokers();
  const scratch = await createScratchDatabase(process.env['DATABASE_URL'] ?? DEFAULT_ADMIN_URL, 'bench');
  const spoolDir = mkdtempSync(join(tmpdir(), 'lk-bench-spool-'));
  const issuer = await BenchTokenIssuer.create();
  const bus = new EventBus({ source: '/latchkey/bench', transport: new KafkaTransport({ brokers: brokers.split(','), clientId: 'latchkey-bench-revoker' }) });
  let server: FaceApiProcess | undefined;
  let poller: RevocationPoller | undefined;
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...(await issuer.start()),
      DATABASE_URL: scratch.url,
      KAFKA_BROKERS: brokers,
      LATCHKEY_SPOOL_DIR: spoolDir,
      LOG_LEVEL: 'info',
      BENCH_REVOCATION_ACKS: '1',
    };
    server = await FaceApiProcess.start(env, false);
    await bus.connect();
    const ackOf = acknowledgements(server);
    poller = new RevocationPoller(
      new URL(GUARDED_PATH, server.url),
      { 'content-type': 'application/json', 'ocp-apim-subscription-key': server.ready.subscriptionKey, 'user-agent': 'latchkey-bench' },
      server.ready.verifyBody,
      pollers,
      gapMs,
    );
    for (let i = 0; i < warmup; i++) await revokeOnce(issuer, server, poller, bus, ackOf);
    poller.servedLatencies.length = 0;
    const started = performance.now();
    const samples: Sample[] = [];
    for (let i = 0; i < count; i++) {
      samples.push(await revokeOnce(issuer, server, poller, bus, ackOf));
      if ((i + 1) % 50 === 0) console.error(`${i + 1} revocations measured`);
    }
    const runMs = performance.now() - started;
    const stopped = poller;
    poller = undefined;
    await stopped.stop();
    printReport(samples, stopped, runMs, brokers, loadBefore);
  } finally {
    await poller?.stop().catch(() => undefined);
    await bus.close().catch(() => undefined);
    await server?.stop();
    await issuer.stop();
    await scratch.drop();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
