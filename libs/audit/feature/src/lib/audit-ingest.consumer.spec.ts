import { Logger } from '@nestjs/common';
import { AccessRevocationV1, ALL_EVENTS, AuditCheckpointV1, LatUsedV1, type EventDefinition, type EventEnvelope } from '@latchkey/contracts';
import { anEnvelope, TEST_SOURCE } from '@latchkey/contracts/testing';
import type { AuditEventRepository } from '@latchkey/audit/data-access';
import type { ReceivedEvent } from '@latchkey/messaging';
import { AUDITED_EVENTS, AuditIngestConsumer } from './audit-ingest.consumer';

type Appended = Parameters<AuditEventRepository['append']>[0];

/** Records what the consumer appends; `stored` decides what append reports. */
class RecordingEventStore implements Pick<AuditEventRepository, 'append'> {
  readonly appended: Appended[] = [];
  stored = true;

  async append(event: Appended): Promise<boolean> {
    this.appended.push(event);
    return this.stored;
  }
}

function received(definition: EventDefinition, envelope: EventEnvelope, topic: string = definition.topic): ReceivedEvent {
  return { envelope, definition, topic, partition: 3, offset: '42', attempt: 1 };
}

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe(AuditIngestConsumer.name, () => {
  let store: RecordingEventStore;
  let consumer: AuditIngestConsumer;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    store = new RecordingEventStore();
    consumer = new AuditIngestConsumer(store as unknown as AuditEventRepository);
  });

  it('appends the envelope id, type, source, subject, time, data and traceparent', async () => {
    const envelope = anEnvelope(LatUsedV1, {}, { traceparent: TRACEPARENT, time: new Date('2026-02-03T04:05:06.789Z') });

    await consumer.handle(received(LatUsedV1, envelope));

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

    await consumer.handle(received(AccessRevocationV1, envelope, 'access.revocation.replay'));

    expect(store.appended[0]?.topic).toBe('access.revocation.replay');
  });

  it('appends null for an envelope without subject or traceparent', async () => {
    const { subject: _subject, ...withoutSubject } = anEnvelope(LatUsedV1);

    await consumer.handle(received(LatUsedV1, withoutSubject));

    expect(store.appended[0]).toMatchObject({ subject: null, traceparent: null });
  });

  it('resolves without error when the store reports a duplicate', async () => {
    store.stored = false;

    await expect(consumer.handle(received(LatUsedV1, anEnvelope(LatUsedV1)))).resolves.toBeUndefined();
    expect(store.appended).toHaveLength(1);
  });

  it('lets a failing append reject so the event is retried', async () => {
    store.append = () => Promise.reject(new Error('database down'));

    await expect(consumer.handle(received(LatUsedV1, anEnvelope(LatUsedV1)))).rejects.toThrow('database down');
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
    await consumer.handle(received(LatUsedV1, envelope));
    expect(store.appended[0]?.data).toMatchObject({ userAgent: 'client/1 [redacted:jwt]' });
    expect(JSON.stringify(store.appended)).not.toContain(pasted);
  });
});
