import { AUDIT_FEED_AUDIENCE, AUDIT_FEED_TOKEN_TYP } from '@latchkey/contracts';
import * as jose from 'jose';
import { signAuditFeedToken, verifyAuditFeedToken } from './audit-feed-token';
import { KeyRing } from './key-ring';
import { signLimitedAccessToken, verifyLimitedAccessToken } from './limited-access-token';
import { signResourceToken } from './resource-token';
import { generateSigningKey, type SigningKey } from './signing-key';
import { IAT, ISSUER, latInput, NOW, RESOURCE } from './test-support/lat-fixtures';
import { codeOfRejection } from './test-support/token-error-code';
import type { JsonWebKeySet } from './verify-jwt';

describe(signAuditFeedToken.name, () => {
  let key: SigningKey;
  let stranger: SigningKey;
  let jwks: JsonWebKeySet;
  const options = (overrides: { now?: Date; issuer?: string } = {}) => ({ jwks, issuer: ISSUER, now: NOW, ...overrides });

  beforeAll(async () => {
    [key, stranger] = await Promise.all([generateSigningKey('EdDSA'), generateSigningKey('ES256')]);
    jwks = new KeyRing([{ key, status: 'active' }]).publicJwks();
  });

  it('signs a five-minute lk-audit-feed+jwt naming the ISV, and verifies it', async () => {
    const signed = await signAuditFeedToken({ issuer: ISSUER, isvId: 'isv-a', now: NOW, jti: 'feed-1' }, key);
    expect(jose.decodeProtectedHeader(signed.token)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: AUDIT_FEED_TOKEN_TYP });
    expect(signed.claims).toEqual({ iss: ISSUER, sub: 'isv-a', aud: AUDIT_FEED_AUDIENCE, iat: IAT, exp: IAT + 300, jti: 'feed-1' });
    await expect(verifyAuditFeedToken(signed.token, options())).resolves.toEqual({ claims: signed.claims, kid: key.kid, alg: 'EdDSA' });
  });

  it('signs nothing for an ISV id that is not an identifier', async () => {
    expect(await codeOfRejection(signAuditFeedToken({ issuer: ISSUER, isvId: 'isv a', now: NOW }, key))).toBe('TOKENS.INPUT_INVALID');
  });

  describe(verifyAuditFeedToken.name, () => {
    it('refuses a limited access token as WRONG_TYPE', async () => {
      const lat = await signLimitedAccessToken(latInput(), key);
      expect(await codeOfRejection(verifyAuditFeedToken(lat.token, options()))).toBe('TOKENS.WRONG_TYPE');
    });

    it('refuses a resource token (at+jwt) as WRONG_TYPE', async () => {
      const resource = await signResourceToken({ issuer: ISSUER, resourceId: RESOURCE, now: NOW }, key);
      expect(await codeOfRejection(verifyAuditFeedToken(resource.token, options()))).toBe('TOKENS.WRONG_TYPE');
    });

    it('is refused by the limited access token verifier as WRONG_TYPE', async () => {
      const feed = await signAuditFeedToken({ issuer: ISSUER, isvId: 'isv-a', now: NOW }, key);
      const verifying = verifyLimitedAccessToken(feed.token, { jwks, issuer: ISSUER, audience: RESOURCE, now: NOW });
      expect(await codeOfRejection(verifying)).toBe('TOKENS.WRONG_TYPE');
    });

    it('refuses a token with the feed typ but LAT claims (no feed audience)', async () => {
      const forged = await new jose.SignJWT({ ...(await signLimitedAccessToken(latInput(), key)).claims })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: AUDIT_FEED_TOKEN_TYP })
        .sign(await jose.importJWK({ ...key.privateJwk }, key.alg));
      expect(await codeOfRejection(verifyAuditFeedToken(forged, options()))).toBe('TOKENS.WRONG_AUDIENCE');
    });

    it('refuses a token signed by a key outside the issuer JWKS', async () => {
      const foreign = await signAuditFeedToken({ issuer: ISSUER, isvId: 'isv-a', now: NOW }, stranger);
      expect(await codeOfRejection(verifyAuditFeedToken(foreign.token, options()))).toBe('TOKENS.UNKNOWN_KEY');
    });

    it('refuses an unsigned token (alg none)', async () => {
      const unsigned = new jose.UnsecuredJWT({ iss: ISSUER, sub: 'isv-a', aud: AUDIT_FEED_AUDIENCE, jti: 'x' })
        .setIssuedAt(IAT)
        .setExpirationTime(IAT + 300)
        .encode();
      expect(await codeOfRejection(verifyAuditFeedToken(unsigned, options()))).toBe('TOKENS.MALFORMED');
    });

    it('refuses another issuer as WRONG_ISSUER', async () => {
      const signed = await signAuditFeedToken({ issuer: 'https://other.latchkey.test', isvId: 'isv-a', now: NOW }, key);
      expect(await codeOfRejection(verifyAuditFeedToken(signed.token, options()))).toBe('TOKENS.WRONG_ISSUER');
    });

    it('accepts the token until its five minutes (plus tolerance) are over, then refuses it as EXPIRED', async () => {
      const signed = await signAuditFeedToken({ issuer: ISSUER, isvId: 'isv-a', now: NOW }, key);
      await expect(verifyAuditFeedToken(signed.token, options({ now: new Date(NOW.getTime() + 299_000) }))).resolves.toBeDefined();
      expect(await codeOfRejection(verifyAuditFeedToken(signed.token, options({ now: new Date(NOW.getTime() + 306_000) })))).toBe('TOKENS.EXPIRED');
    });
  });
});
