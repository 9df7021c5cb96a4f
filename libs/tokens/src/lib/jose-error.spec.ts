import { errors } from 'jose';
import { tokenErrorFromJose } from './jose-error';
import { TokenError } from './token-error';

describe(tokenErrorFromJose.name, () => {
  it('passes a TokenError through unchanged', () => {
    const error = new TokenError('TOKENS.MALFORMED', 'no kid');
    expect(tokenErrorFromJose(error)).toBe(error);
  });

  it.each([
    [new errors.JWTExpired('expired', {}, 'exp', 'check_failed'), 'TOKENS.EXPIRED'],
    [new errors.JWTClaimValidationFailed('bad typ', {}, 'typ', 'check_failed'), 'TOKENS.WRONG_TYPE'],
    [new errors.JWTClaimValidationFailed('bad iss', {}, 'iss', 'check_failed'), 'TOKENS.WRONG_ISSUER'],
    [new errors.JWTClaimValidationFailed('bad aud', {}, 'aud', 'check_failed'), 'TOKENS.WRONG_AUDIENCE'],
    [new errors.JWTClaimValidationFailed('early', {}, 'nbf', 'check_failed'), 'TOKENS.NOT_YET_VALID'],
    [new errors.JWTClaimValidationFailed('iat in the future', {}, 'iat', 'check_failed'), 'TOKENS.NOT_YET_VALID'],
    [new errors.JWTClaimValidationFailed('missing iss', {}, 'iss', 'missing'), 'TOKENS.CLAIMS_INVALID'],
    [new errors.JWTClaimValidationFailed('exp not a number', {}, 'exp', 'invalid'), 'TOKENS.CLAIMS_INVALID'],
    [new errors.JWSSignatureVerificationFailed(), 'TOKENS.BAD_SIGNATURE'],
    [new errors.JOSEAlgNotAllowed('none'), 'TOKENS.BAD_SIGNATURE'],
    [new errors.JWKSNoMatchingKey(), 'TOKENS.UNKNOWN_KEY'],
    [new errors.JWKSMultipleMatchingKeys(), 'TOKENS.UNKNOWN_KEY'],
    [new errors.JWKSInvalid('private key in set'), 'TOKENS.JWKS_INVALID'],
    [new errors.JWSInvalid('bad header'), 'TOKENS.MALFORMED'],
    [new errors.JWTInvalid('payload not an object'), 'TOKENS.MALFORMED'],
    [new TypeError('something unforeseen'), 'TOKENS.MALFORMED'],
  ])('maps %s to %s, keeping the original as cause', (error, code) => {
    const mapped = tokenErrorFromJose(error);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(error);
  });
});
