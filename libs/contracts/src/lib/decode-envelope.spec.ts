import { aLatIssued, anEnvelope, anRbacChanged } from '../testing';
import { decodeEnvelope, type DecodeFailureCode } from './decode-envelope';
import { EVENT_ERROR_CODES, type EventErrorCode } from './error-codes';
import { eventRegistry, LatIssuedV1, RbacChangedV1 } from './events';

/** Looks like a credential; must never reach a dead-letter reason (or a log). */
const SECRET = 'sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

/** Compile-time: every decode failure is a catalogued EVENT.* code. */
const catalogued = (code: DecodeFailureCode): EventErrorCode => code;

function failure(raw: unknown) {
  const result = decodeEnvelope(raw, eventRegistry);
  if (result.ok) throw new Error('expected a decode failure');
  expect(EVENT_ERROR_CODES).toContain(catalogued(result.code));
  return result;
}

describe(decodeEnvelope.name, () => {
  it('accepts a valid envelope and returns its contract and parsed data', () => {
    const envelope = anEnvelope(LatIssuedV1);
    const result = decodeEnvelope(JSON.parse(JSON.stringify(envelope)), eventRegistry);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition).toBe(LatIssuedV1);
    expect(result.envelope.data).toEqual(envelope.data);
  });

  it('strips fields a newer producer added within the version', () => {
    const envelope = anEnvelope(LatIssuedV1);
    const result = decodeEnvelope({ ...envelope, data: { ...envelope.data, addedLater: 1 } }, eventRegistry);
    expect(result.ok && result.envelope.data).not.toHaveProperty('addedLater');
    expect(result.ok).toBe(true);
  });

  it('returns EVENT.ENVELOPE_INVALID when the input is not an envelope', () => {
    expect(failure('not an object').code).toBe('EVENT.ENVELOPE_INVALID');
  });

  it('returns EVENT.ENVELOPE_INVALID when the specversion is not 1.0', () => {
    const result = failure({ ...anEnvelope(LatIssuedV1), specversion: '0.3' });
    expect(result.code).toBe('EVENT.ENVELOPE_INVALID');
    expect(result.reason).toContain('specversion');
  });

  it('returns EVENT.UNKNOWN_TYPE when no contract has the type, and names a well-formed type', () => {
    const result = failure({ ...anEnvelope(LatIssuedV1), type: 'com.latchkey.lat.issued.v9' });
    expect(result.code).toBe('EVENT.UNKNOWN_TYPE');
    expect(result.reason).toContain('com.latchkey.lat.issued.v9');
  });

  it('returns EVENT.DATA_INVALID when the data does not match the contract, naming the field', () => {
    const envelope = anEnvelope(LatIssuedV1);
    const result = failure({ ...envelope, data: { ...envelope.data, features: [] } });
    expect(result.code).toBe('EVENT.DATA_INVALID');
    expect(result.reason).toContain('features');
  });

  describe('never echoes a value in its reason', () => {
    it('when the secret is in a data field of the wrong shape', () => {
      const envelope = anEnvelope(LatIssuedV1);
      const result = failure({ ...envelope, data: { ...aLatIssued(), resourceId: SECRET } });
      expect(result.code).toBe('EVENT.DATA_INVALID');
      expect(result.reason).toContain('resourceId');
      expect(result.reason).not.toContain(SECRET);
    });

    it('when the secret is a literal in the wrong place', () => {
      const envelope = anEnvelope(LatIssuedV1);
      const result = failure({ ...envelope, specversion: SECRET, datacontenttype: SECRET });
      expect(result.reason).not.toContain(SECRET);
    });

    it('when the secret is the event type', () => {
      const result = failure({ ...anEnvelope(LatIssuedV1), type: SECRET });
      expect(result.code).toBe('EVENT.UNKNOWN_TYPE');
      expect(result.reason).not.toContain(SECRET);
    });

    it('when the secret is a record key the contract refuses', () => {
      const envelope = anEnvelope(RbacChangedV1);
      const result = failure({ ...envelope, data: { ...anRbacChanged(), ids: { [SECRET]: 'x' } } });
      expect(result.code).toBe('EVENT.DATA_INVALID');
      expect(result.reason).not.toContain(SECRET);
    });

    it('when the secret is the envelope time', () => {
      const result = failure({ ...anEnvelope(LatIssuedV1), time: SECRET });
      expect(result.code).toBe('EVENT.ENVELOPE_INVALID');
      expect(result.reason).toContain('time');
      expect(result.reason).not.toContain(SECRET);
    });
  });
});
