import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstBrokenLink, type StoredChainRow } from '@latchkey/audit/data-access';
import { LatUsedV1, type EventEnvelope } from '@latchkey/contracts';
import { aLatUsed } from '@latchkey/contracts/testing';
import { EventBus, KafkaTransport } from '@latchkey/messaging';
import { openDatabase, type Database } from '@latchkey/persistence';
import {
  createScratchDatabase,
  describeWithInfrastructure,
  eventually,
  scrapeMetrics,
  testDatabaseUrl,
  testKafkaBrokers,
  type ScratchDatabase,
} from '@latchkey/testing';
import { generateSigningKey } from '@latchkey/tokens';
import { AuditProcess } from '@latchkey/service-testing';

const EVENTS = 600;
const BATCH = 20;

/**
 * The crash case: the audit process is SIGKILLed in the middle of a stream and started again on the same
 * database and consumer group. Offsets are committed only after the rows are durable, so what was stored but not
 * yet committed is delivered again and absorbed by the unique event id: nothing lost, nothing twice.
 */
describeWithInfrastructure('audit survives a SIGKILL mid-stream (real Kafka, real PostgreSQL, its own process)', () => {
  let scratch: ScratchDatabase;
  let database: Database;
  let bus: EventBus;
  let dataDir: string;
  let env: Record<string, string>;
  let audit: AuditProcess | undefined;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testDatabaseUrl() ?? '', 'audit');
    database = await openDatabase({ url: scratch.url });
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-audit-'));
    const key = await generateSigningKey('EdDSA');
    const brokers = testKafkaBrokers() ?? [];
    env = {
      DATABASE_URL: scratch.url,
      KAFKA_BROKERS: brokers.join(','),
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(key.privateJwk),
    };
    bus = new EventBus({ source: '/latchkey/test', transport: new KafkaTransport({ brokers, clientId: 'test-audit-crash' }) });
    await bus.connect();
  }, 60_000);

  afterAll(async () => {
    await audit?.stop();
    await bus?.close();
    await database?.close();
    await scratch?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const storedOf = async (ids: readonly string[]) => {
    const [row] = await database.query<{ rows: string; distinct_ids: string }>(
      'SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_ids FROM audit.events WHERE event_id = ANY($1)',
      [ids],
    );
    return { rows: Number(row?.rows ?? 0), distinct: Number(row?.distinct_ids ?? 0) };
  };

  it('loses and duplicates nothing when killed mid-stream and restarted', async () => {
    audit = await AuditProcess.start(env);
    const marker = randomUUID();
    const envelopes: EventEnvelope[] = Array.from({ length: EVENTS }, () => bus.envelope(LatUsedV1, aLatUsed({ userAgent: `crash-test/${marker}` })));
    const ids = envelopes.map((e) => e.id);
    const publish = async (from: number, to: number) => {
      for (let i = from; i < to; i += BATCH) {
        await bus.publishEnvelopes(envelopes.slice(i, Math.min(i + BATCH, to)).map((envelope) => ({ topic: LatUsedV1.topic, envelope })));
      }
    };

    await publish(0, EVENTS / 2);
    // Kill it once it is busy storing the stream, before it is through.
    await eventually(async () => (await storedOf(ids)).rows >= 50, { timeoutMs: 90_000, what: 'the audit storing the stream' });
    await audit.kill();
    const atKill = await storedOf(ids);
    expect(atKill.rows).toBeLessThan(EVENTS);

    await publish(EVENTS / 2, EVENTS); // the producers do not wait for the audit
    audit = await AuditProcess.start(env);
    // A member killed without leaving holds its partitions until its session times out (30 s): allow for it.
    await eventually(async () => (await storedOf(ids)).distinct === EVENTS, { timeoutMs: 150_000, what: `all ${EVENTS} events stored` });
    expect(await storedOf(ids)).toEqual({ rows: EVENTS, distinct: EVENTS });
    expect(firstBrokenLink(await database.query<StoredChainRow & Record<string, unknown>>('SELECT * FROM audit.events ORDER BY seq'))).toBe(-1);
    // The restarted audit reports its ingest lag per partition on /metrics (other suites may publish meanwhile: only
    // that the series are there and sane is asserted, not a value).
    const lag = (await scrapeMetrics(audit.url)).samples('latchkey_consumer_lag', { group: 'audit.ingest', topic: LatUsedV1.topic });
    expect(lag.length).toBeGreaterThan(0);
    for (const sample of lag) expect(sample.value).toBeGreaterThanOrEqual(0);
  }, 300_000);
});
