import {
  CreateIsvBody,
  FeatureFlagParam,
  IssuingRightBody,
  ISV_ID_PARAM,
  KeySlotParam,
  KID_PARAM,
  NoBody,
  parseAdminInput,
} from './admin-request.schema';
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

describe('ISV_ID_PARAM', () => {
  it('passes an id of the form ISVs are created with', () => {
    expect(ISV_ID_PARAM.transform('isv-a')).toBe('isv-a');
    expect(ISV_ID_PARAM.transform('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it.each([
    ['a NUL byte', '\u0000'],
    ['a NUL inside', 'ab\u0000cd'],
    ['a right-to-left override', '\u202e'],
    ['a 3000-character id', 'a'.repeat(3000)],
    ['a 64-character id', 'a'.repeat(64)],
    ['a one-character id', 'a'],
    ['upper case', 'ISV-A'],
    ['a leading hyphen', '-isv'],
  ])('refuses %s as 400 InvalidAdminRequest without echoing it', (_what, raw) => {
    const refused = attempt(() => ISV_ID_PARAM.transform(raw));
    expect(refused).toEqual({ code: 'ISSUER.ADMIN_REQUEST_INVALID', message: 'The ISV id is invalid (invalid_format).' });
  });

  it('refuses a too-long id with the same answer shape, never the id itself', () => {
    const refused = attempt(() => ISV_ID_PARAM.transform('b'.repeat(3000))) as { message: string };
    expect(refused.message).not.toContain('bbb');
  });
});

describe('KID_PARAM', () => {
  it('passes an RFC 7638 thumbprint and refuses anything else without echoing it', () => {
    const kid = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    expect(KID_PARAM.transform(kid)).toBe(kid);
    expect(attempt(() => KID_PARAM.transform('\u0000'))).toEqual({
      code: 'ISSUER.ADMIN_REQUEST_INVALID',
      message: 'The key id is invalid (invalid_format).',
    });
    expect(attempt(() => KID_PARAM.transform(kid + 'x'))).toMatchObject({ code: 'ISSUER.ADMIN_REQUEST_INVALID' });
  });
});

describe('CreateIsvBody', () => {
  it('refuses control characters in the display name', () => {
    for (const displayName of ['x\u0000y', 'x\ny', 'x\u007fy', 'x\u009by']) {
      expect(attempt(() => parseAdminInput(CreateIsvBody, { id: 'x1', displayName }, 'body'))).toEqual({
        code: 'ISSUER.ADMIN_REQUEST_INVALID',
        message: 'The body field displayName is invalid (contains control characters).',
      });
    }
  });

  it('bounds the display name at 200 characters', () => {
    expect(parseAdminInput(CreateIsvBody, { id: 'x1', displayName: 'd'.repeat(200) }, 'body')).toMatchObject({ displayName: 'd'.repeat(200) });
    expect(attempt(() => parseAdminInput(CreateIsvBody, { id: 'x1', displayName: 'd'.repeat(201) }, 'body'))).toEqual({
      code: 'ISSUER.ADMIN_REQUEST_INVALID',
      message: 'The body field displayName is too long.',
    });
  });

  it('refuses an id that is not of the ISV id form before the use case runs', () => {
    expect(attempt(() => parseAdminInput(CreateIsvBody, { id: 'x', displayName: 'x' }, 'body'))).toEqual({
      code: 'ISSUER.ADMIN_REQUEST_INVALID',
      message: 'The body field id is invalid (invalid_format).',
    });
  });
});
