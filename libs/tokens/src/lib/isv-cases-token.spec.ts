import { AUDIT_FEED_AUDIENCE, AUDIT_FEED_TOKEN_TYP, ISV_CASES_AUDIENCE, ISV_CASES_TOKEN_TYP } from '@latchkey/contracts';
import * as jose from 'jose';
import { signAuditFeedToken, verifyAuditFeedToken } from './audit-feed-token';
import { signIsvCasesToken, verifyIsvCasesToken } from './isv-cases-token';
import { KeyRing } from './key-ring';
import { generateSigningKey, type SigningKey } from './signing-key';
import { IAT, ISSUER, NOW } from './test-support/lat-fixtures';
import { codeOfRejection } from './test-support/token-error-code';
import type { JsonWebKeySet } from './verify-jwt';

describe(signIsvCasesToken.name, () => {
  let key: SigningKey;
  let jwks: JsonWebKeySet;
  const options = (overrides: { now?: Date; issuer?: string } = {}) => ({ jwks, issuer: ISSUER, now: NOW, ...overrides });
  const input = { issuer: ISSUER, isvId: 'isv-a', now: NOW };

  /** A token the issuer's key signed with any typ and audience: only those two tell the kinds apart. */
  const signedAs = async (typ: string, aud: string) =>
    new jose.SignJWT({ iss: ISSUER, sub: 'isv-a', aud, iat: IAT, exp: IAT + 300, jti: 'mixed-1' })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ })
      .sign(await jose.importJWK({ ...key.privateJwk }, key.alg));

  beforeAll(async () => {
    key = await generateSigningKey('EdDSA');
    jwks = new KeyRing([{ key, status: 'active' }]).publicJwks();
  });

  it('signs a five-minute lk-isv-cases+jwt naming the ISV, and verifies it', async () => {
    const signed = await signIsvCasesToken({ ...input, jti: 'cases-1' }, key);
    expect(jose.decodeProtectedHeader(signed.token)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: ISV_CASES_TOKEN_TYP });
    expect(signed.claims).toEqual({ iss: ISSUER, sub: 'isv-a', aud: ISV_CASES_AUDIENCE, iat: IAT, exp: IAT + 300, jti: 'cases-1' });
    await expect(verifyIsvCasesToken(signed.token, options())).resolves.toEqual({ claims: signed.claims, kid: key.kid, alg: 'EdDSA' });
  });

  it('signs nothing for an ISV id that is not an identifier', async () => {
    expect(await codeOfRejection(signIsvCasesToken({ ...input, isvId: 'isv a' }, key))).toBe('TOKENS.INPUT_INVALID');
  });

  describe(verifyIsvCasesToken.name, () => {
    it('refuses an audit feed token as WRONG_TYPE, and the feed verifier refuses a cases token as WRONG_TYPE', async () => {
      const feed = await signAuditFeedToken(input, key);
      const cases = await signIsvCasesToken(input, key);
      expect(await codeOfRejection(verifyIsvCasesToken(feed.token, options()))).toBe('TOKENS.WRONG_TYPE');
      expect(await codeOfRejection(verifyAuditFeedToken(cases.token, options()))).toBe('TOKENS.WRONG_TYPE');
    });

    it('refuses the other kind’s audience under its own typ as WRONG_AUDIENCE, both ways', async () => {
      expect(await codeOfRejection(verifyIsvCasesToken(await signedAs(ISV_CASES_TOKEN_TYP, AUDIT_FEED_AUDIENCE), options()))).toBe(
        'TOKENS.WRONG_AUDIENCE',
      );
      expect(await codeOfRejection(verifyAuditFeedToken(await signedAs(AUDIT_FEED_TOKEN_TYP, ISV_CASES_AUDIENCE), options()))).toBe(
        'TOKENS.WRONG_AUDIENCE',
      );
    });

    it('accepts a token whose typ and audience are both its own', async () => {
      await expect(verifyIsvCasesToken(await signedAs(ISV_CASES_TOKEN_TYP, ISV_CASES_AUDIENCE), options())).resolves.toMatchObject({
        claims: { sub: 'isv-a', jti: 'mixed-1' },
      });
    });

    it('refuses another issuer as WRONG_ISSUER', async () => {
      const signed = await signIsvCasesToken({ ...input, issuer: 'https://other.latchkey.test' }, key);
      expect(await codeOfRejection(verifyIsvCasesToken(signed.token, options()))).toBe('TOKENS.WRONG_ISSUER');
    });

    it('accepts the token until its five minutes (plus tolerance) are over, then refuses it as EXPIRED', async () => {
      const signed = await signIsvCasesToken(input, key);
      await expect(verifyIsvCasesToken(signed.token, options({ now: new Date(NOW.getTime() + 299_000) }))).resolves.toBeDefined();
      expect(await codeOfRejection(verifyIsvCasesToken(signed.token, options({ now: new Date(NOW.getTime() + 306_000) })))).toBe('TOKENS.EXPIRED');
    });
  });
});
