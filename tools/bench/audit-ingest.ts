/**
 * Audit ingestion with real Kafka and PostgreSQL (issue 5; results in
 * docs/BENCHMARKS.md). Two numbers:
 *
 *   npx tsx tools/bench/audit-ingest.ts [--backlog 200000] [--rate 5000] [--seconds 30] [--idle-load 0.8] [--preload FILE]
 *
 * 1. **Ingest rate** (target ≥ 20,000 events/s): --backlog events are
 *    published first, then the audit service starts and drains them into
 *    the chain. Rate = events / (last row's insert time − first row's).
 * 2. **Lag** (target p99 < 1 s at 5,000 events/s): with the service caught
 *    up, events are published at a steady --rate for --seconds; lag per
 *    event = the row's insert time (`received_at`, the insert's own
 *    `clock_timestamp()`; its transaction commits a few milliseconds later)
 *    − the event's `time` (stamped just before the publish).
 *
 * It starts a Kafka broker of its own (fresh topics, no committed offsets
 * of earlier runs or tests under the fixed group `audit.ingest`), a scratch
 * PostgreSQL database, and the audit service as deployed
 * (apps/audit/src/main.ts in its own process). The mix is the platform's:
 * mostly uses, then issuances and refusals, a few of the rest. At the end
 * it checks that every event is stored exactly once and that the whole
 * chain verifies against its signed checkpoints.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readEvidenceFromDatabase, verifyAuditLog } from '@latchkey/audit/data-access';
import { LatIssuedV1, LatIssueDeniedV1, LatRejectedV1, LatUsedV1, ExchangeCompletedV1, type EventEnvelope } from '@latchkey/contracts';
import { aLatIssued, aLatIssueDenied, aLatRejected, aLatUsed, anExchangeCompleted } from '@latchkey/contracts/testing';
import { EventBus, KafkaTransport } from '@latchkey/messaging';
import { openDatabase, type Database } from '@latchkey/persistence';
import { ServiceProcess } from '@latchkey/service-testing';
import { createScratchDatabase, DEFAULT_ADMIN_URL } from '@latchkey/testing';
import { generateSigningKey } from '@latchkey/tokens';
import { KafkaBroker } from '../../libs/testing/src/lib/kafka/kafka-broker';
import { waitForIdleMachine } from './idle-machine';

const TARGET_RATE = 20_000;
const TARGET_LAG_P99_MS = 1000;
const AUDIT_URL = 'http://audit.bench.invalid';
/** Events per produce request while loading the backlog. */
const LOAD_CHUNK = 2000;
/** The paced phase publishes every TICK_MS. */
const TICK_MS = 10;

const { values: args } = parseArgs({
  options: {
    backlog: { type: 'string', default: '200000' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '30' },
    'idle-load': { type: 'string', default: '0.8' },
    preload: { type: 'string' },
    replicas: { type: 'string', default: '1' },
  },
});
const [backlog, rate, seconds, replicas] = [args.backlog, args.rate, args.seconds, args.replicas].map(Number) as [number, number, number, number];
if ([backlog, rate, seconds, replicas].some((n) => !Number.isInteger(n) || n < 1))
  throw new Error('--backlog, --rate, --seconds and --replicas take whole numbers ≥ 1');

const log = (line: string): void => void process.stderr.write(`[audit-ingest] ${line}\n`);

/** One event of the platform's mix (about 55 % uses, 20 % issuances, 15 % refusals, 5 % issue denials, 5 % exchanges). */
function platformEvent(bus: EventBus, i: number): { topic: string; envelope: EventEnvelope } {
  const pick = i % 20;
  if (pick < 11) return { topic: LatUsedV1.topic, envelope: bus.envelope(LatUsedV1, aLatUsed()) };
  if (pick < 15) return { topic: LatIssuedV1.topic, envelope: bus.envelope(LatIssuedV1, aLatIssued()) };
  if (pick < 18) return { topic: LatRejectedV1.topic, envelope: bus.envelope(LatRejectedV1, aLatRejected()) };
  if (pick < 19) return { topic: LatIssueDeniedV1.topic, envelope: bus.envelope(LatIssueDeniedV1, aLatIssueDenied()) };
  return { topic: ExchangeCompletedV1.topic, envelope: bus.envelope(ExchangeCompletedV1, anExchangeCompleted()) };
}

async function storedCount(db: Database): Promise<number> {
  const [row] = await db.query<{ n: string | null }>('SELECT max(seq) AS n FROM audit.events');
  return Number(row?.n ?? 0);
}

async function waitForRows(db: Database, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    const n = await storedCount(db);
    if (n >= expected) return;
    if (n !== last) log(`${n} / ${expected} stored`);
    last = n;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`only ${await storedCount(db)} of ${expected} events stored within ${timeoutMs / 1000} s`);
}

/** Phase 2: `rate` events/s for `seconds`, paced in TICK_MS slices against the wall clock (a late tick catches up). */
async function publishPaced(bus: EventBus, offset: number): Promise<number> {
  const total = rate * seconds;
  const started = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    if (due > sent) {
      const items = Array.from({ length: due - sent }, (_, k) => platformEvent(bus, offset + sent + k));
      const send = bus.publishEnvelopes(items).finally(() => inFlight.delete(send));
      inFlight.add(send);
      sent = due;
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(inFlight);
  return total;
}

async function main(): Promise<void> {
  await waitForIdleMachine(Number(args['idle-load']));
  log('starting a Kafka broker of its own');
  const broker = await KafkaBroker.start();
  const scratch = await createScratchDatabase(DEFAULT_ADMIN_URL, 'bench-audit');
  const transport = new KafkaTransport({ brokers: broker.brokers, clientId: 'latchkey-bench-audit' });
  const bus = new EventBus({ source: '/latchkey/bench', transport, sendTimeoutMs: 30_000 });
  const key = await generateSigningKey('EdDSA');
  const audits: ServiceProcess[] = [];
  let db: Database | undefined;
  try {
    await bus.connect();
    log(`publishing a backlog of ${backlog} events`);
    for (let i = 0; i < backlog; i += LOAD_CHUNK) {
      await bus.publishEnvelopes(Array.from({ length: Math.min(LOAD_CHUNK, backlog - i) }, (_, k) => platformEvent(bus, i + k)));
    }
    log(`starting ${replicas} audit replica(s)`);
    const env = {
      DATABASE_URL: scratch.url,
      KAFKA_BROKERS: broker.brokers.join(','),
      LATCHKEY_AUDIT_URL: AUDIT_URL,
      LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(key.privateJwk),
      LOG_LEVEL: 'warn',
    };
    audits.push(
      ...(await Promise.all(
        Array.from({ length: replicas }, () => ServiceProcess.start('audit', { env, preload: args.preload ? [args.preload] : [] })),
      )),
    );
    db = await openDatabase({ url: scratch.url });
    await waitForRows(db, backlog, 600_000);
    const [drain] = await db.query<{ seconds: number }>(
      'SELECT extract(epoch FROM max(received_at) - min(received_at))::float8 AS seconds FROM audit.events WHERE seq <= $1',
      [backlog],
    );
    const drainRate = backlog / Number(drain?.seconds);

    log(`publishing ${rate} events/s for ${seconds} s`);
    const paced = await publishPaced(bus, backlog);
    await waitForRows(db, backlog + paced, 120_000);
    const [lag] = await db.query<{ p50: number; p95: number; p99: number; max: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
         FROM (SELECT extract(epoch FROM received_at - time)::float8 * 1000 AS ms FROM audit.events WHERE seq > $1) AS lags`,
      [backlog],
    );

    // Nothing lost, nothing twice, and the chain verifies up to its latest signed checkpoint.
    const [counts] = await db.query<{ rows: string; distinct: string }>(
      'SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct FROM audit.events',
    );
    await new Promise((resolve) => setTimeout(resolve, 11_000)); // one more checkpoint interval: the tail gets signed too
    const evidence = await readEvidenceFromDatabase(db);
    const verdict = await verifyAuditLog(evidence, { keys: { keys: [key.publicJwk] }, issuer: AUDIT_URL });

    const lines = [
      `audit ingest, ${new Date().toISOString()}`,
      `backlog drain: ${backlog} events in ${Number(drain?.seconds).toFixed(2)} s = ${Math.round(drainRate)} events/s (target ≥ ${TARGET_RATE}: ${drainRate >= TARGET_RATE ? 'met' : 'MISSED'})`,
      `lag at ${rate}/s for ${seconds} s (ms): p50 ${lag?.p50.toFixed(1)}, p95 ${lag?.p95.toFixed(1)}, p99 ${lag?.p99.toFixed(1)}, max ${lag?.max.toFixed(1)} (target p99 < ${TARGET_LAG_P99_MS}: ${(lag?.p99 ?? Infinity) < TARGET_LAG_P99_MS ? 'met' : 'MISSED'})`,
      `stored ${counts?.rows} rows, ${counts?.distinct} distinct event ids, of ${backlog + paced} published; chain: ${verdict.ok ? `verified (${JSON.stringify(verdict)})` : `BROKEN ${JSON.stringify(verdict)}`}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await Promise.all(audits.map((audit) => audit.stop()));
    await db?.close();
    await bus.close();
    await scratch.drop();
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
