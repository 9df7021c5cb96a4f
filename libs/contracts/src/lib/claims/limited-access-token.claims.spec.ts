import { aLatClaims, anAccessTokenClaims } from '../../testing';
import { ACCESS_TOKEN_TYP } from './internal-access-token.claims';
import { LAT_LIFETIME_MAX_SECONDS, LAT_TYP, LimitedAccessTokenClaimsSchema } from './limited-access-token.claims';

const parse = (claims: unknown) => LimitedAccessTokenClaimsSchema.safeParse(claims);

describe('LimitedAccessTokenClaimsSchema', () => {
  it('accepts the claims of a one-hour token, with or without cnf.jkt', () => {
    expect(parse(aLatClaims()).success).toBe(true);
    expect(parse(aLatClaims({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } })).success).toBe(true);
  });

  it('has a typ distinct from the access token profile', () => {
    expect(LAT_TYP).toBe('lat+jwt');
    expect(LAT_TYP).not.toBe(ACCESS_TOKEN_TYP);
  });

  it('rejects an access token, whose claims lack isv and features', () => {
    expect(parse(anAccessTokenClaims()).success).toBe(false);
  });

  it('rejects an audience array: a LAT is good for one resource', () => {
    const claims = aLatClaims();
    expect(parse({ ...claims, aud: [claims.aud] }).success).toBe(false);
  });

  it.each([
    ['features is empty', { features: [] }],
    ['a feature is in the wrong case', { features: ['face.identification'] }],
    ['exp is not after nbf', { nbf: 2_000_000_000, exp: 2_000_000_000, iat: 1_999_999_000 }],
    [
      'the lifetime exceeds the maximum',
      { iat: 1_900_000_000, nbf: 1_900_000_000, exp: 1_900_000_001 + LAT_LIFETIME_MAX_SECONDS },
    ],
    ['iat is not a whole number of seconds', { iat: 1_900_000_000.5 }],
    ['cnf.jkt is not a SHA-256 thumbprint', { cnf: { jkt: 'short' } }],
  ])('rejects claims when %s', (_why, overrides) => {
    expect(parse({ ...aLatClaims(), ...overrides }).success).toBe(false);
  });

  it('accepts a token of exactly the maximum lifetime', () => {
    const claims = { iat: 1_900_000_000, nbf: 1_900_000_000, exp: 1_900_000_000 + LAT_LIFETIME_MAX_SECONDS };
    expect(parse(aLatClaims(claims)).success).toBe(true);
  });
});
