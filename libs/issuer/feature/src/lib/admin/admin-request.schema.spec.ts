import { CreateIsvBody, FeatureFlagParam, IssuingRightBody, KeySlotParam, NoBody, parseAdminInput } from './admin-request.schema';
import { IssuerAdminError } from './issuer-admin.errors';

/** The refusal's code and message, or the parsed value. */
function attempt(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    if (!(error instanceof IssuerAdminError)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe(parseAdminInput.name, () => {
  it('returns the parsed input', () => {
    expect(parseAdminInput(CreateIsvBody, { id: 'isv-a', displayName: 'A' }, 'body')).toEqual({ id: 'isv-a', displayName: 'A' });
    expect(parseAdminInput(KeySlotParam, '2', 'key slot')).toBe(2);
    expect(parseAdminInput(NoBody, undefined, 'body')).toBeUndefined();
    expect(parseAdminInput(NoBody, {}, 'body')).toEqual({});
  });

  it('refuses unknown fields without echoing their names or values', () => {
    const refused = attempt(() => parseAdminInput(IssuingRightBody, { reason: 'ADMIN.X', secretField: 'hunter2' }, 'body'));
    expect(refused).toEqual({ code: 'ISSUER.ADMIN_REQUEST_INVALID', message: 'The body has unknown fields.' });
    expect(attempt(() => parseAdminInput(NoBody, { force: true }, 'body'))).toMatchObject({ message: 'The body has unknown fields.' });
  });

  it('names the field and what it expected', () => {
    expect(attempt(() => parseAdminInput(CreateIsvBody, { id: 7, displayName: 'A' }, 'body'))).toEqual({
      code: 'ISSUER.ADMIN_REQUEST_INVALID',
      message: 'The body field id is invalid (expected string).',
    });
    expect(attempt(() => parseAdminInput(CreateIsvBody, null, 'body'))).toMatchObject({ message: 'The body is invalid (expected object).' });
  });

  it('lists the allowed values of an enumerated parameter', () => {
    expect(attempt(() => parseAdminInput(KeySlotParam, '3', 'key slot'))).toMatchObject({ message: 'The key slot must be one of: 1, 2.' });
    expect(attempt(() => parseAdminInput(FeatureFlagParam, 'face.verification', 'feature flag'))).toMatchObject({
      code: 'ISSUER.ADMIN_REQUEST_INVALID',
      message: expect.stringContaining('Face.Verification'),
    });
  });
});
