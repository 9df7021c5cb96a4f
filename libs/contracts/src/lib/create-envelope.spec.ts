import { ZodError } from 'zod';
import { aLatIssued, aLatUsed, anAccessRevocation } from '../testing';
import { createEnvelope } from './create-envelope';
import { EventEnvelopeSchema } from './envelope';
import { AccessRevocationV1, LatIssuedV1, LatUsedV1 } from './events';

const source = '/latchkey/issuer';

describe(createEnvelope.name, () => {
  it('sets the partition key and the subject from the contract', () => {
    const data = aLatIssued();
    const envelope = createEnvelope(LatIssuedV1, data, { source });
    expect(envelope.partitionkey).toBe(data.isvId);
    expect(envelope.subject).toBe(data.jti);
    expect(envelope.type).toBe('com.latchkey.lat.issued.v1');
    expect(envelope.source).toBe(source);
  });

  it('produces an envelope that passes the envelope schema', () => {
    const envelope = createEnvelope(AccessRevocationV1, anAccessRevocation(), {
      source,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(EventEnvelopeSchema.safeParse(envelope).success).toBe(true);
    expect(envelope.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('keeps a given id and time, so an outbox row republishes the same event', () => {
    const time = new Date('2030-01-01T00:00:00.000Z');
    const envelope = createEnvelope(LatUsedV1, aLatUsed(), { source, id: 'evt-1', time });
    expect(envelope.id).toBe('evt-1');
    expect(envelope.time).toBe('2030-01-01T00:00:00.000Z');
  });

  it('gives each event a fresh id when none is given', () => {
    const a = createEnvelope(LatUsedV1, aLatUsed(), { source });
    const b = createEnvelope(LatUsedV1, aLatUsed(), { source });
    expect(a.id).not.toBe(b.id);
  });

  it('rejects data that does not match the contract', () => {
    expect(() => createEnvelope(LatIssuedV1, aLatIssued({ features: [] }), { source })).toThrow(ZodError);
  });

  it('rejects a feature flag spelled in the wrong case', () => {
    // @ts-expect-error the wrong case on purpose: types and runtime must both refuse it
    const data = aLatIssued({ features: ['face.identification'] });
    expect(() => createEnvelope(LatIssuedV1, data, { source })).toThrow(ZodError);
  });

  it('strips fields the contract does not know instead of publishing them', () => {
    const data = { ...aLatIssued(), subscriptionKey: 'must-not-travel' };
    const envelope = createEnvelope(LatIssuedV1, data, { source });
    expect(envelope.data).not.toHaveProperty('subscriptionKey');
  });
});
