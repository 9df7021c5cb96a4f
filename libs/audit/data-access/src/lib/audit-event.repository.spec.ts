import fc from 'fast-check';
import { LatIssuedV1, LatUsedV1, type EventDefinition } from '@latchkey/contracts';
import { anEnvelope } from '@latchkey/contracts/testing';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { AUDIT_MIGRATIONS, AUDIT_SCHEMA } from '../index';
import { chainHash, GENESIS_HASH, type ChainedEvent } from './audit-chain';
import { firstBrokenLink } from './audit-verification';
import { AuditEventRepository } from './audit-event.repository';

type AppendedEvent = Parameters<AuditEventRepository['append']>[0];

/** What the audit consumer appends for a fresh, valid platform event. */
function anEvent(definition: EventDefinition = LatIssuedV1): AppendedEvent {
  const envelope = anEnvelope(definition);
  return {
    eventId: envelope.id,
    type: envelope.type,
    topic: definition.topic,
    source: envelope.source,
    subject: envelope.subject ?? null,
    time: envelope.time,
    data: envelope.data,
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  };
}

interface StoredRow extends Record<string, unknown> {
  event_id: string;
  type: string;
  topic: string;
  source: string;
  subject: string | null;
  time: Date;
  data: unknown;
  traceparent: string | null;
  prev_hash: string;
  hash: string;
}

describe(AuditEventRepository.name, () => {
  let db: Database;
  let events: AuditEventRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: AUDIT_SCHEMA, migrationsFolder: AUDIT_MIGRATIONS }]);
    events = new AuditEventRepository(db);
  });

  afterAll(() => db.close());

  // Each test starts a chain of its own, from the genesis hash.
  beforeEach(() => db.query('TRUNCATE audit.events RESTART IDENTITY'));

  const stored = () => db.query<StoredRow>('SELECT * FROM audit.events ORDER BY seq');

  it('appends an event once and returns false when the same event id comes again', async () => {
    const event = anEvent();

    await expect(events.append(event)).resolves.toBe(true);
    await expect(events.append({ ...event, type: 'com.latchkey.forged.v1' })).resolves.toBe(false);

    expect(await events.list()).toEqual([expect.objectContaining({ eventId: event.eventId, type: event.type })]);
  });

  it('links the first row to the genesis hash and each next row to the hash before it', async () => {
    const [first, second, third] = [anEvent(), anEvent(LatUsedV1), anEvent()];
    for (const event of [first, second, third]) await events.append(event);

    const chain = await events.list();

    expect(chain.map((row) => row.eventId)).toEqual([first.eventId, second.eventId, third.eventId]);
    expect(chain[0].prevHash).toBe(GENESIS_HASH);
    expect(chain[1].prevHash).toBe(chain[0].hash);
    expect(chain[2].prevHash).toBe(chain[1].hash);
  });

  it('does not extend the chain when a duplicate is refused', async () => {
    const first = anEvent();
    await events.append(first);
    await events.append(first);
    const next = anEvent();

    await events.append(next);

    const chain = await events.list();
    expect(chain).toHaveLength(2);
    expect(chain[1].prevHash).toBe(chain[0].hash);
  });

  it('stores hashes that recomputing chainHash over the stored fields reproduces', async () => {
    for (const event of [anEvent(), anEvent(LatUsedV1), anEvent()]) await events.append(event);

    const rows = await stored();

    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const event: ChainedEvent = {
        eventId: row.event_id,
        type: row.type,
        topic: row.topic,
        source: row.source,
        subject: row.subject,
        time: row.time.toISOString(),
        data: row.data,
      };
      expect(chainHash(row.prev_hash, event)).toBe(row.hash);
    }
  });

  it('stores every field of the event, the traceparent outside the hash', async () => {
    const event = anEvent();
    await events.append(event);
    const [row] = await stored();

    expect(row).toMatchObject({
      event_id: event.eventId,
      type: event.type,
      topic: event.topic,
      source: event.source,
      subject: event.subject,
      time: new Date(event.time),
      data: event.data,
      traceparent: event.traceparent,
    });
    const { traceparent: _traceparent, ...chained } = event;
    expect(row.hash).toBe(chainHash(GENESIS_HASH, chained));
  });

  it('stores an event without subject or traceparent as nulls', async () => {
    await events.append({ ...anEvent(), subject: null, traceparent: null });

    const [row] = await stored();

    expect(row).toMatchObject({ subject: null, traceparent: null });
  });

  it('re-verifies rows whose event time was not in toISOString form (offset, no or extra fractional digits)', async () => {
    for (const time of ['2026-03-01T14:00:00+02:00', '2026-03-01T12:00:01Z', '2026-03-01T12:00:02.123456Z']) {
      await events.append({ ...anEvent(), time });
    }
    expect(firstBrokenLink(await stored())).toBe(-1);
  });

  describe('appendBatch', () => {
    it('appends a batch in order as one chain segment, numbered after the head', async () => {
      await events.append(anEvent());
      const batch = [anEvent(), anEvent(LatUsedV1), { ...anEvent(), subject: null, traceparent: null }];

      await expect(events.appendBatch(batch)).resolves.toBe(3);

      const rows = await db.query<StoredRow & { seq: string }>('SELECT * FROM audit.events ORDER BY seq');
      expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4]);
      expect(rows.slice(1).map((r) => r.event_id)).toEqual(batch.map((e) => e.eventId));
      expect(rows[3]).toMatchObject({ subject: null, traceparent: null, data: batch[2].data });
      expect(firstBrokenLink(rows)).toBe(-1);
    });

    it('skips events already stored and ids repeated within the batch, keeping the first', async () => {
      const old = anEvent();
      await events.append(old);
      const fresh = anEvent();

      await expect(events.appendBatch([old, fresh, { ...fresh, type: 'com.latchkey.forged.v1' }, old])).resolves.toBe(1);

      const chain = await events.list();
      expect(chain.map((row) => [row.eventId, row.type])).toEqual([
        [old.eventId, old.type],
        [fresh.eventId, fresh.type],
      ]);
      expect(chain[1].prevHash).toBe(chain[0].hash);
    });

    it('stores nothing of a batch when one row is refused by the database', async () => {
      await events.append(anEvent());
      // jsonb cannot hold U+0000: PostgreSQL refuses the row with a data exception (SQLSTATE 22P05).
      const poisoned = { ...anEvent(), data: { userAgent: 'nul\u0000byte' } };

      await expect(events.appendBatch([anEvent(), poisoned, anEvent()])).rejects.toMatchObject({ code: expect.stringMatching(/^22/) });

      expect(await events.list()).toHaveLength(1);
    });

    // The database chains the hashes (audit.append_events) and `latchkey audit verify` re-checks them in
    // TypeScript: the two must agree byte for byte on any text jsonb can hold (astral characters, escapes,
    // quotes, numbers in any form), in any split into batches.
    it('chains in the database exactly as chainHash computes, for any storable data and batch split', async () => {
      // U+0000 and lone surrogates are excluded: jsonb refuses them (a data exception, dead-lettered).
      const storable = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((text) => !text.includes('\u0000'));
      const data = fc.dictionary(
        storable,
        fc.oneof(storable, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null)),
        { maxKeys: 6 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ data, subject: fc.option(storable) }), { minLength: 1, maxLength: 8 }),
          fc.nat(8),
          async (shapes, split) => {
            await db.query('TRUNCATE audit.events RESTART IDENTITY');
            const batch = shapes.map(({ data: d, subject }) => ({ ...anEvent(), data: d, subject }));
            await events.appendBatch(batch.slice(0, split));
            await events.appendBatch(batch.slice(split));

            const rows = await stored();
            expect(rows.map((row) => row.event_id)).toEqual(batch.map((event) => event.eventId));
            let prev = GENESIS_HASH;
            for (const [i, event] of batch.entries()) {
              const { traceparent: _traceparent, ...chained } = event;
              prev = chainHash(prev, { ...chained, time: new Date(event.time).toISOString() });
              expect(rows[i].hash).toBe(prev);
            }
          },
        ),
        // No shrinking: a wrong hash fails every run alike, and shrinking graphemes through the database takes minutes.
        { numRuns: 40, endOnFailure: true },
      );
    });

    it('answers 0 for an empty batch or one of duplicates only', async () => {
      const old = anEvent();
      await events.append(old);

      await expect(events.appendBatch([])).resolves.toBe(0);
      await expect(events.appendBatch([old, old])).resolves.toBe(0);
    });
  });
});
