import { aLatClaims, anAccessTokenClaims } from '../../testing';
import { InternalAccessTokenClaimsSchema, ScopeClaim } from './internal-access-token.claims';

const parse = (claims: unknown) => InternalAccessTokenClaimsSchema.safeParse(claims);

describe('InternalAccessTokenClaimsSchema', () => {
  it('accepts the claims of an exchanged token, with or without the source uti', () => {
    expect(parse(anAccessTokenClaims()).success).toBe(true);
    expect(parse(anAccessTokenClaims({ src_uti: 'AbCdEf123' })).success).toBe(true);
  });

  it('rejects a limited access token, whose claims lack client_id and scope', () => {
    expect(parse(aLatClaims()).success).toBe(false);
  });

  it.each([
    ['oid is not a GUID', { oid: 'not-a-guid' }],
    ['exp is not after iat', { iat: 1_900_000_000, exp: 1_900_000_000 }],
    ['scope has a double space', { scope: 'a  b' }],
  ])('rejects claims when %s', (_why, overrides) => {
    expect(parse({ ...anAccessTokenClaims(), ...overrides }).success).toBe(false);
  });
});

describe('ScopeClaim', () => {
  it.each(['reports.read', 'reports.read reports.write', 'api://app/.default'])('accepts %j', (scope) => {
    expect(ScopeClaim.safeParse(scope).success).toBe(true);
  });

  it.each(['', ' reports.read', 'reports.read ', 'a"b', 'a\\b'])('rejects %j', (scope) => {
    expect(ScopeClaim.safeParse(scope).success).toBe(false);
  });
});
