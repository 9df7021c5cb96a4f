import { Logger } from '@nestjs/common';
import { AccessRevocationV1, ALL_EVENTS, AuditCheckpointV1, LatUsedV1, type EventDefinition, type EventEnvelope } from '@latchkey/contracts';
import { anEnvelope, TEST_SOURCE } from '@latchkey/contracts/testing';
import type { AuditEventRepository, AuditRecord } from '@latchkey/audit/data-access';
import { NonRetriableEventError, type ReceivedEvent } from '@latchkey/messaging';
import type { AuditCheckpointer } from './checkpoints/audit-checkpointer';
import { AUDITED_EVENTS, AuditIngestConsumer } from './audit-ingest.consumer';

/** Records what the consumer appends; `duplicates` is how many of each batch it reports as stored already. */
class RecordingEventStore implements Pick<AuditEventRepository, 'appendBatch'> {
  readonly batches: AuditRecord[][] = [];
  duplicates = 0;

  get appended(): AuditRecord[] {
    return this.batches.flat();
  }

  async appendBatch(records: readonly AuditRecord[]): Promise<number> {
    this.batches.push([...records]);
    return records.length - this.duplicates;
  }
}

/** Counts what the consumer reports as stored (checkpoints come after enough of them). */
class CountingCheckpointer implements Pick<AuditCheckpointer, 'noteStored'> {
  readonly noted: number[] = [];
  noteStored(count = 1): void {
    this.noted.push(count);
  }
}

function received(definition: EventDefinition, envelope: EventEnvelope, topic: string = definition.topic): ReceivedEvent {
  return { envelope, definition, topic, partition: 3, offset: '42', attempt: 1 };
}

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe(AuditIngestConsumer.name, () => {
  let store: RecordingEventStore;
  let consumer: AuditIngestConsumer;
  let checkpointer: CountingCheckpointer;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    store = new RecordingEventStore();
    checkpointer = new CountingCheckpointer();
    consumer = new AuditIngestConsumer(store as unknown as AuditEventRepository, checkpointer as unknown as AuditCheckpointer);
  });

  it('appends the envelope id, type, source, subject, time, data and traceparent', async () => {
    const envelope = anEnvelope(LatUsedV1, {}, { traceparent: TRACEPARENT, time: new Date('2026-02-03T04:05:06.789Z') });

    await consumer.handleBatch([received(LatUsedV1, envelope)]);

    expect(store.appended).toEqual([
      {
        eventId: envelope.id,
        type: 'com.latchkey.lat.used.v1',
        topic: LatUsedV1.topic,
        source: TEST_SOURCE,
        subject: envelope.subject,
        time: '2026-02-03T04:05:06.789Z',
        data: envelope.data,
        traceparent: TRACEPARENT,
      },
    ]);
  });

  it('takes the topic from the delivery, not from the contract', async () => {
    const envelope = anEnvelope(AccessRevocationV1);

    await consumer.handleBatch([received(AccessRevocationV1, envelope, 'access.revocation.replay')]);

    expect(store.appended[0]?.topic).toBe('access.revocation.replay');
  });

  it('appends null for an envelope without subject or traceparent', async () => {
    const { subject: _subject, ...withoutSubject } = anEnvelope(LatUsedV1);

    await consumer.handleBatch([received(LatUsedV1, withoutSubject)]);

    expect(store.appended[0]).toMatchObject({ subject: null, traceparent: null });
  });

  it('appends a batch in delivery order in one call and tells the checkpointer how many were stored', async () => {
    const envelopes = [anEnvelope(LatUsedV1), anEnvelope(AccessRevocationV1), anEnvelope(LatUsedV1)];
    store.duplicates = 1;

    await consumer.handleBatch([received(LatUsedV1, envelopes[0]), received(AccessRevocationV1, envelopes[1]), received(LatUsedV1, envelopes[2])]);

    expect(store.batches).toHaveLength(1);
    expect(store.batches[0].map((r) => r.eventId)).toEqual(envelopes.map((e) => e.id));
    expect(checkpointer.noted).toEqual([2]);
  });

  it('resolves without error and notes nothing when the whole batch was stored already', async () => {
    store.duplicates = 1;

    await expect(consumer.handleBatch([received(LatUsedV1, anEnvelope(LatUsedV1))])).resolves.toBeUndefined();
    expect(store.appended).toHaveLength(1);
    expect(checkpointer.noted).toEqual([]);
  });

  it('lets a failing append reject as it is, so the batch is retried', async () => {
    store.appendBatch = () => Promise.reject(Object.assign(new Error('connection terminated'), { code: '57P01' }));

    await expect(consumer.handleBatch([received(LatUsedV1, anEnvelope(LatUsedV1))])).rejects.toThrow('connection terminated');
  });

  it('turns a data exception (SQLSTATE 22…) into a non-retriable error naming only the SQLSTATE', async () => {
    store.appendBatch = () => Promise.reject(Object.assign(new Error('invalid input syntax: "secret-looking value"'), { code: '22P05' }));

    const failure = consumer.handleBatch([received(LatUsedV1, anEnvelope(LatUsedV1))]);

    await expect(failure).rejects.toBeInstanceOf(NonRetriableEventError);
    await expect(failure).rejects.toMatchObject({
      code: 'AUDIT.EVENT_UNSTORABLE',
      message: 'the database refused the event as data (SQLSTATE 22P05)',
    });
  });
});

/** A store whose first append waits until released, so that batches handled meanwhile queue behind it. */
class HeldEventStore extends RecordingEventStore {
  private release: () => void = () => undefined;
  private readonly held = new Promise<void>((resolve) => (this.release = resolve));
  /** Refuses, as PostgreSQL refuses U+0000 in jsonb, any append that holds one of these event ids. */
  readonly refused = new Set<string>();

  override async appendBatch(records: readonly AuditRecord[]): Promise<number> {
    if (this.batches.length === 0) {
      this.batches.push([...records]);
      await this.held;
      return records.length;
    }
    if (records.some((record) => this.refused.has(record.eventId))) throw Object.assign(new Error('unstorable'), { code: '22P05' });
    return super.appendBatch(records);
  }

  releaseFirst(): void {
    this.release();
  }
}

describe('AuditIngestConsumer: the partitions batches in one append', () => {
  let store: HeldEventStore;
  let consumer: AuditIngestConsumer;
  let checkpointer: CountingCheckpointer;
  const batchOf = (count: number) => Array.from({ length: count }, () => received(LatUsedV1, anEnvelope(LatUsedV1)));

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    store = new HeldEventStore();
    checkpointer = new CountingCheckpointer();
    consumer = new AuditIngestConsumer(store as unknown as AuditEventRepository, checkpointer as unknown as AuditCheckpointer);
  });

  it('appends the batches that arrive during an append together, in arrival order, and settles each only once stored', async () => {
    const [first, second, third] = [batchOf(2), batchOf(3), batchOf(1)];
    const handled: string[] = [];
    const track = (name: string, batch: ReceivedEvent[]) => consumer.handleBatch(batch).then(() => void handled.push(name));
    const firstHandled = track('first', first);
    await new Promise((resolve) => setImmediate(resolve));
    const all = [firstHandled, track('second', second), track('third', third)];
    await new Promise((resolve) => setImmediate(resolve));

    expect(store.batches).toHaveLength(1);
    expect(handled).toEqual([]);

    store.releaseFirst();
    await Promise.all(all);

    expect(store.batches.map((batch) => batch.map((record) => record.eventId))).toEqual([
      first.map((event) => event.envelope.id),
      [...second, ...third].map((event) => event.envelope.id),
    ]);
    expect(checkpointer.noted).toEqual([2, 4]);
  });

  it('appends a group the database refuses as data batch by batch: only the batch holding the refused row fails', async () => {
    const [first, innocent, poisoned, after] = [batchOf(1), batchOf(2), batchOf(2), batchOf(1)];
    store.refused.add(poisoned[1].envelope.id);
    const held = consumer.handleBatch(first);
    await new Promise((resolve) => setImmediate(resolve));
    const results = Promise.allSettled([consumer.handleBatch(innocent), consumer.handleBatch(poisoned), consumer.handleBatch(after)]);

    store.releaseFirst();
    await held;

    const [innocentResult, poisonedResult, afterResult] = await results;
    expect(innocentResult.status).toBe('fulfilled');
    expect(afterResult.status).toBe('fulfilled');
    expect(poisonedResult).toMatchObject({ status: 'rejected', reason: expect.any(NonRetriableEventError) });
    expect(store.appended.map((record) => record.eventId)).toEqual([...first, ...innocent, ...after].map((event) => event.envelope.id));
  });
});

describe('AUDITED_EVENTS', () => {
  it('is every platform event except the audit service’s own checkpoints', () => {
    expect(AUDITED_EVENTS).not.toContain(AuditCheckpointV1);
    expect(AUDITED_EVENTS).toHaveLength(ALL_EVENTS.length - 1);
  });
});

describe('AuditIngestConsumer and secrets', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('stores a credential-shaped user agent redacted, never as received', async () => {
    const store = new RecordingEventStore();
    const consumer = new AuditIngestConsumer(store as unknown as AuditEventRepository);
    const pasted = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4eHh4eHh4eCJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln';
    const envelope = anEnvelope(LatUsedV1, { userAgent: `client/1 ${pasted}` });
    await consumer.handleBatch([received(LatUsedV1, envelope)]);
    expect(store.appended[0]?.data).toMatchObject({ userAgent: 'client/1 [redacted:jwt]' });
    expect(JSON.stringify(store.appended)).not.toContain(pasted);
  });
});
