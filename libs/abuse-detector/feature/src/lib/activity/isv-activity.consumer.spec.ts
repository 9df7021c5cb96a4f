import { LatIssuedV1, LatRejectedV1, LatUsedV1, type EventDefinition, type EventEnvelope } from '@latchkey/contracts';
import { aLatIssued, aLatRejected, aLatUsed, anEnvelope } from '@latchkey/contracts/testing';
import type { IssuedToken, IssuedTokenRepository, IsvActivityEvent, IsvActivityRepository } from '@latchkey/abuse-detector/data-access';
import type { ReceivedEvent } from '@latchkey/messaging';
import { ACTIVITY_GROUP, IsvActivityConsumer } from './isv-activity.consumer';

function received(definition: EventDefinition, envelope: EventEnvelope): ReceivedEvent {
  return { envelope, definition, topic: definition.topic, partition: 0, offset: '0', attempt: 1 };
}

const AT = new Date('2026-03-01T12:34:56.789Z');

describe(IsvActivityConsumer.name, () => {
  let counted: { consumer: string; events: readonly IsvActivityEvent[] }[];
  let issued: Map<string, IssuedToken>;
  let consumer: IsvActivityConsumer;

  beforeEach(() => {
    counted = [];
    issued = new Map();
    const activity: Pick<IsvActivityRepository, 'count'> = {
      count: async (consumerName, events) => {
        counted.push({ consumer: consumerName, events });
        return events.length;
      },
    };
    const tokens: Pick<IssuedTokenRepository, 'find'> = {
      find: async (jtis) => new Map([...issued].filter(([jti]) => jtis.includes(jti))),
    };
    consumer = new IsvActivityConsumer(activity as IsvActivityRepository, tokens as IssuedTokenRepository);
  });

  const countedEvents = () => counted.flatMap((c) => c.events.map((e) => ({ isvId: e.isvId, kind: e.kind })));

  it('counts an issuance and a served use for the ISV they name, at the event time, under its own group', async () => {
    const issuance = anEnvelope(LatIssuedV1, aLatIssued({ isvId: 'contoso' }), { time: AT });
    const use = anEnvelope(LatUsedV1, aLatUsed({ isvId: 'contoso' }), { time: AT });

    await consumer.handleBatch([received(LatIssuedV1, issuance), received(LatUsedV1, use)]);

    expect(counted).toEqual([
      {
        consumer: ACTIVITY_GROUP,
        events: [
          { eventId: issuance.id, isvId: 'contoso', at: AT, kind: 'issued' },
          { eventId: use.id, isvId: 'contoso', at: AT, kind: 'used' },
        ],
      },
    ]);
  });

  it('counts a refusal for the ISV the issuance record names, not the isvId the refused token claims', async () => {
    issued.set('jti-1', { jti: 'jti-1', isvId: 'contoso', resourceId: 'r', expiresAt: AT });
    const refusal = anEnvelope(LatRejectedV1, aLatRejected({ jti: 'jti-1', isvId: 'fabrikam' }));

    await consumer.handleBatch([received(LatRejectedV1, refusal)]);

    expect(countedEvents()).toEqual([{ isvId: 'contoso', kind: 'rejected' }]);
  });

  it('counts a refusal of a token issued earlier in the same batch', async () => {
    const issuance = anEnvelope(LatIssuedV1, aLatIssued({ jti: 'jti-2', isvId: 'contoso' }));
    const refusal = anEnvelope(LatRejectedV1, aLatRejected({ jti: 'jti-2', isvId: 'contoso' }));

    await consumer.handleBatch([received(LatIssuedV1, issuance), received(LatRejectedV1, refusal)]);

    expect(countedEvents()).toEqual([
      { isvId: 'contoso', kind: 'issued' },
      { isvId: 'contoso', kind: 'rejected' },
    ]);
  });

  it('skips a refusal of a token never seen issued, and one that names no jti', async () => {
    const unknown = anEnvelope(LatRejectedV1, aLatRejected({ jti: 'never-issued', isvId: 'contoso' }));
    const anonymous = anEnvelope(LatRejectedV1, aLatRejected({ jti: null, isvId: 'contoso' }));

    await consumer.handleBatch([received(LatRejectedV1, unknown), received(LatRejectedV1, anonymous)]);

    expect(countedEvents()).toEqual([]);
  });
});
