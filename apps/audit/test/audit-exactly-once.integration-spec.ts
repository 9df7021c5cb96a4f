import { randomUUID } from 'node:crypto';
import { firstBrokenLink, type StoredChainRow } from '@latchkey/audit/data-access';
import { AuditModule } from '@latchkey/audit/feature';
import { LatIssuedV1, LatRejectedV1, LatUsedV1, type EventDefinition, type EventEnvelope } from '@latchkey/contracts';
import { aLatIssued, aLatRejected, aLatUsed } from '@latchkey/contracts/testing';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually, testKafkaBrokers } from '@latchkey/testing';
import { KafkaTransport } from '@latchkey/messaging';
import { findSecretShapes, generateApiKey, generateSigningKey } from '@latchkey/tokens';

/** A stored row as the driver returns it. */
type Row = StoredChainRow & Record<string, unknown>;

const DISTINCT = 150;

/**
 * The first acceptance case: N events published with duplicates and redeliveries, in any order, across
 * topics and partitions → exactly N distinct rows, and the chain over them verifies.
 */
describeWithInfrastructure('audit service: each event stored exactly once (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;

  beforeAll(async () => {
    const key = await generateSigningKey('EdDSA');
    service = await startServiceUnderTest('audit', AuditModule, { env: { LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(key.privateJwk) } });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('stores every event once, in a hash chain that verifies from the stored rows', async () => {
    expect((await service.handle.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const jti = randomUUID();
    const issued = service.bus.envelope(LatIssuedV1, aLatIssued({ jti }));
    const used = service.bus.envelope(LatUsedV1, aLatUsed({ jti }));
    await service.bus.publishEnvelopes([{ topic: LatIssuedV1.topic, envelope: issued }]);
    await service.bus.publishEnvelopes([{ topic: LatUsedV1.topic, envelope: used }]);
    await service.bus.publishEnvelopes([{ topic: LatIssuedV1.topic, envelope: issued }]); // redelivery
    await eventually(
      async () => (await service.database.query('SELECT 1 FROM audit.events WHERE event_id = ANY($1)', [[issued.id, used.id]])).length === 2,
      { timeoutMs: 45000, what: 'both events stored' },
    );
    const rows = await service.database.query<Row>('SELECT * FROM audit.events ORDER BY seq');
    expect(rows.filter((r) => r.event_id === issued.id)).toHaveLength(1);
    expect(firstBrokenLink(rows)).toBe(-1);
  });

  it('keeps a dead-lettered message apart from the chain, once, with its origin, consumer and reason', async () => {
    const transport = new KafkaTransport({ brokers: testKafkaBrokers() ?? [], clientId: 'test-audit-dlq' });
    await transport.connect();
    const id = `unreadable-${randomUUID()}`;
    try {
      // Not JSON: the audit's own ingest dead-letters it at once, and its dead-letter ingest records that.
      await transport.send(
        [
          {
            topic: LatUsedV1.topic,
            key: 'k',
            value: Buffer.from('{not json'),
            headers: { ce_specversion: '1.0', ce_id: id, ce_type: LatUsedV1.type },
          },
        ],
        10_000,
      );
    } finally {
      await transport.close();
    }
    // Every consumer group that reads lat.used on this broker dead-letters it (in CI the abuse detector's
    // tests run alongside): one row per dead-lettering, so look at the audit's own.
    const letter = await eventually(
      async () =>
        (
          await service.database.query<Record<string, unknown>>(
            "SELECT * FROM audit.dead_letters WHERE event_id = $1 AND consumer_group = 'audit.ingest'",
            [id],
          )
        )[0] ?? false,
      { timeoutMs: 60_000, what: 'the dead letter recorded' },
    );
    expect(letter).toMatchObject({ source_topic: 'lat.used', consumer_group: 'audit.ingest', code: 'EVENT.UNREADABLE', event_type: LatUsedV1.type });
    expect(String(letter['value_sha256'])).toMatch(/^[0-9a-f]{64}$/);
    expect(await service.database.query('SELECT 1 FROM audit.events WHERE event_id = $1', [id])).toHaveLength(0);
    const [count] = await service.database.query<{ n: string }>(
      "SELECT count(*) AS n FROM audit.dead_letters WHERE event_id = $1 AND consumer_group = 'audit.ingest'",
      [id],
    );
    expect(Number(count?.n)).toBe(1);
  });

  it('dead-letters only the event PostgreSQL refuses, and stores the rest of its batch', async () => {
    const jti = randomUUID();
    // jsonb cannot hold U+0000 (the contract's user agent is any string up to its length): that row fails its batch's insert.
    const refused = service.bus.envelope(LatUsedV1, aLatUsed({ jti, userAgent: 'nul\u0000agent' }));
    const neighbours = Array.from({ length: 5 }, () => service.bus.envelope(LatUsedV1, aLatUsed({ jti })));
    // One key, one partition, in one send: the audit takes them in one batch.
    await service.bus.publishEnvelopes(
      [...neighbours.slice(0, 2), refused, ...neighbours.slice(2)].map((envelope) => ({ topic: LatUsedV1.topic, envelope })),
    );
    const letter = await eventually(
      async () =>
        (
          await service.database.query<Record<string, unknown>>(
            "SELECT * FROM audit.dead_letters WHERE event_id = $1 AND consumer_group = 'audit.ingest'",
            [refused.id],
          )
        )[0] ?? false,
      { timeoutMs: 60_000, what: 'the refused event dead-lettered' },
    );
    expect(letter).toMatchObject({ code: 'AUDIT.EVENT_UNSTORABLE', reason: 'the database refused the event as data (SQLSTATE 22P05)' });
    // The dead letter can commit before the batch's other rows do (the batch is split around the refused row).
    const stored = await eventually(
      async () => {
        const rows = await service.database.query<{ event_id: string }>('SELECT event_id FROM audit.events WHERE event_id = ANY($1)', [
          [...neighbours, refused].map((e) => e.id),
        ]);
        return rows.length >= neighbours.length ? rows : false;
      },
      { timeoutMs: 60_000, what: 'the refused event’s neighbours stored' },
    );
    expect(stored.map((r) => r.event_id).sort()).toEqual(neighbours.map((e) => e.id).sort());
  });

  it('stores a credential pasted into a request field redacted, and scans clean', async () => {
    const pasted = `${generateApiKey('isv')} eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4eHh4eHh4eCJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln`;
    const envelope = service.bus.envelope(LatRejectedV1, aLatRejected({ userAgent: `attacker/1 ${pasted}` }));
    await service.bus.publishEnvelopes([{ topic: LatRejectedV1.topic, envelope }]);
    const row = await eventually(
      async () =>
        (await service.database.query<{ data: { userAgent: string } }>('SELECT data FROM audit.events WHERE event_id = $1', [envelope.id]))[0] ??
        false,
      { timeoutMs: 60_000, what: 'the rejection stored' },
    );
    expect(row.data.userAgent).toBe('attacker/1 [redacted:api-key] [redacted:jwt]');
    expect(findSecretShapes(await service.database.query('SELECT * FROM audit.events'))).toEqual([]);
  });

  it('stores N distinct events once each, whatever the duplicates and the order', async () => {
    const marker = randomUUID();
    const kinds: [EventDefinition, () => object][] = [
      [LatIssuedV1, () => aLatIssued({ isvId: `isv-${marker.slice(0, 8)}` })],
      [LatUsedV1, () => aLatUsed()],
      [LatRejectedV1, () => aLatRejected()],
    ];
    const distinct: { topic: string; envelope: EventEnvelope }[] = Array.from({ length: DISTINCT }, (_, i) => {
      const [definition, data] = kinds[i % kinds.length]!;
      return { topic: definition.topic, envelope: service.bus.envelope(definition, data() as never) };
    });
    // Every event once, a third of them again (a producer's retry), a tenth a third time (a redelivery), shuffled.
    const sends = [...distinct, ...distinct.filter((_, i) => i % 3 === 0), ...distinct.filter((_, i) => i % 10 === 0)];
    for (let i = sends.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [sends[i], sends[j]] = [sends[j]!, sends[i]!];
    }
    for (let i = 0; i < sends.length; i += 20) await service.bus.publishEnvelopes(sends.slice(i, i + 20));

    const ids = distinct.map((d) => d.envelope.id);
    await eventually(
      async () => {
        const [row] = await service.database.query<{ n: string }>('SELECT count(DISTINCT event_id) AS n FROM audit.events WHERE event_id = ANY($1)', [
          ids,
        ]);
        return Number(row?.n) === DISTINCT;
      },
      { timeoutMs: 90_000, what: `all ${DISTINCT} events stored` },
    );
    // Let any redelivery still in flight land, then count again: duplicates must not appear late either.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const [counts] = await service.database.query<{ rows: string; distinct_ids: string }>(
      'SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_ids FROM audit.events WHERE event_id = ANY($1)',
      [ids],
    );
    expect({ rows: Number(counts?.rows), distinct: Number(counts?.distinct_ids) }).toEqual({ rows: DISTINCT, distinct: DISTINCT });
    const [all] = await service.database.query<{ rows: string; distinct_ids: string }>(
      'SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_ids FROM audit.events',
    );
    expect(Number(all?.rows)).toBe(Number(all?.distinct_ids));
    // No secrets stored: nothing credential-shaped in any column of any row.
    expect(findSecretShapes(await service.database.query('SELECT * FROM audit.events'))).toEqual([]);
    expect(firstBrokenLink(await service.database.query<Row>('SELECT * FROM audit.events ORDER BY seq'))).toBe(-1);
  });
});
