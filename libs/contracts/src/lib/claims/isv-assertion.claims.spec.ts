import { aLatClaims } from '../../testing';
import { ACCESS_TOKEN_TYP } from './internal-access-token.claims';
import { AUDIT_CHECKPOINT_TYP } from './audit-checkpoint.claims';
import { AUDIT_FEED_AUDIENCE, AUDIT_FEED_TOKEN_LIFETIME_SECONDS, AUDIT_FEED_TOKEN_TYP, AuditFeedTokenClaimsSchema } from './audit-feed-token.claims';
import { ISV_ASSERTION_LIFETIME_SECONDS } from './isv-assertion.claims';
import { ISV_CASES_AUDIENCE, ISV_CASES_TOKEN_LIFETIME_SECONDS, ISV_CASES_TOKEN_TYP, IsvCasesTokenClaimsSchema } from './isv-cases-token.claims';
import { LAT_TYP } from './limited-access-token.claims';

const IAT = 1_900_000_000;

describe('ISV assertion claims', () => {
  it('has a typ and an audience per kind, distinct from every other profile', () => {
    expect(new Set([AUDIT_FEED_TOKEN_TYP, ISV_CASES_TOKEN_TYP, LAT_TYP, ACCESS_TOKEN_TYP, AUDIT_CHECKPOINT_TYP]).size).toBe(5);
    expect(AUDIT_FEED_AUDIENCE).not.toBe(ISV_CASES_AUDIENCE);
  });

  it('lasts five minutes, whatever the kind', () => {
    expect([ISV_ASSERTION_LIFETIME_SECONDS, AUDIT_FEED_TOKEN_LIFETIME_SECONDS, ISV_CASES_TOKEN_LIFETIME_SECONDS]).toEqual([300, 300, 300]);
  });

  describe.each([
    ['AuditFeedTokenClaimsSchema', AuditFeedTokenClaimsSchema, AUDIT_FEED_AUDIENCE, ISV_CASES_AUDIENCE],
    ['IsvCasesTokenClaimsSchema', IsvCasesTokenClaimsSchema, ISV_CASES_AUDIENCE, AUDIT_FEED_AUDIENCE],
  ])('%s', (_name, schema, audience, otherAudience) => {
    const claims = (overrides: Record<string, unknown> = {}) => ({
      iss: 'https://issuer.latchkey.test',
      sub: 'isv-a',
      aud: audience,
      iat: IAT,
      exp: IAT + ISV_ASSERTION_LIFETIME_SECONDS,
      jti: 'assertion-1',
      ...overrides,
    });
    const parse = (value: unknown) => schema.safeParse(value);

    it('accepts a five-minute token for one ISV', () => {
      expect(parse(claims())).toEqual({ success: true, data: claims() });
    });

    it('rejects the claims of a limited access token (no ISV assertion audience)', () => {
      expect(parse(aLatClaims()).success).toBe(false);
    });

    it.each([
      ['sub is missing', { sub: undefined }],
      ['sub is not an identifier', { sub: 'isv a' }],
      ['aud is another audience', { aud: 'urn:latchkey:audit' }],
      ['aud is the other ISV assertion’s', { aud: otherAudience }],
      ['aud is an array', { aud: [audience] }],
      ['exp is not after iat', { exp: IAT }],
      ['the lifetime exceeds five minutes', { exp: IAT + ISV_ASSERTION_LIFETIME_SECONDS + 1 }],
      ['jti is missing', { jti: undefined }],
    ])('rejects claims when %s', (_why, overrides) => {
      expect(parse(claims(overrides)).success).toBe(false);
    });
  });
});
