import { IdentityCreatedV1, LatRejectedV1, LatUsedV1, type EventDefinition, type EventEnvelope } from '@latchkey/contracts';
import { aLatRejected, aLatUsed, anEnvelope } from '@latchkey/contracts/testing';
import type { UsageCounterRepository } from '@latchkey/abuse-detector/data-access';
import type { ReceivedEvent } from '@latchkey/messaging';
import { UsageSignalsConsumer } from './usage-signals.consumer';

type CountCall = Parameters<UsageCounterRepository['count']>;

/** Records every count the consumer asks for. */
class RecordingCounters implements Pick<UsageCounterRepository, 'count'> {
  readonly calls: CountCall[] = [];

  async count(...call: CountCall): Promise<boolean> {
    this.calls.push(call);
    return true;
  }
}

function received(definition: EventDefinition, envelope: EventEnvelope): ReceivedEvent {
  return { envelope, definition, topic: definition.topic, partition: 0, offset: '0', attempt: 1 };
}

/** A resource id as Azure spells it (mixed case); the contracts accept it as is. */
const MIXED_CASE_RESOURCE =
  '/subscriptions/DC4D27D9-EA49-4921-938F-7782A774E151/resourceGroups/Client-RG/providers/Microsoft.CognitiveServices/accounts/Client-Face';
const AT = new Date('2026-03-01T12:34:56.789Z');

describe(UsageSignalsConsumer.name, () => {
  let counters: RecordingCounters;
  let consumer: UsageSignalsConsumer;

  beforeEach(() => {
    counters = new RecordingCounters();
    consumer = new UsageSignalsConsumer(counters as unknown as UsageCounterRepository);
  });

  it('counts a lat.used as served at the event time, lower-casing the resource id', async () => {
    const envelope = anEnvelope(LatUsedV1, aLatUsed({ resourceId: MIXED_CASE_RESOURCE }), { time: AT });

    await consumer.handle(received(LatUsedV1, envelope));

    expect(counters.calls).toEqual([['abuse-detector.usage', envelope.id, MIXED_CASE_RESOURCE.toLowerCase(), AT, 'served']]);
  });

  it('counts a lat.rejected as rejected, lower-casing the resource id', async () => {
    const envelope = anEnvelope(LatRejectedV1, aLatRejected({ resourceId: MIXED_CASE_RESOURCE }), { time: AT });

    await consumer.handle(received(LatRejectedV1, envelope));

    expect(counters.calls).toEqual([['abuse-detector.usage', envelope.id, MIXED_CASE_RESOURCE.toLowerCase(), AT, 'rejected']]);
  });

  it('counts nothing for a rejection that names no resource', async () => {
    const envelope = anEnvelope(LatRejectedV1, aLatRejected({ resourceId: null }));

    await consumer.handle(received(LatRejectedV1, envelope));

    expect(counters.calls).toEqual([]);
  });

  it('passes the event id, so a redelivery can be counted once', async () => {
    const event = received(LatUsedV1, anEnvelope(LatUsedV1));

    await consumer.handle(event);
    await consumer.handle({ ...event, attempt: 2 });

    expect(counters.calls.map(([, eventId]) => eventId)).toEqual([event.envelope.id, event.envelope.id]);
  });

  it('counts nothing for events of other types', async () => {
    await consumer.handle(received(IdentityCreatedV1, anEnvelope(IdentityCreatedV1)));

    expect(counters.calls).toEqual([]);
  });
});
