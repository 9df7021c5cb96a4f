import { ACCESS_TOKEN_TYP } from '@latchkey/contracts';
import * as jose from 'jose';
import { KeyRing } from './key-ring';
import { signLimitedAccessToken } from './limited-access-token';
import { RESOURCE_TOKEN_LIFETIME_SECONDS, signResourceToken, verifyResourceToken } from './resource-token';
import { generateSigningKey, type SigningKey } from './signing-key';
import type { JsonWebKeySet } from './verify-jwt';
import { codeOfRejection } from './test-support/token-error-code';

const ISSUER = 'https://issuer.latchkey.test';
const RESOURCE =
  '/subscriptions/0f8fad5b-d9cb-469f-a165-70867728950e/resourceGroups/RG-One/providers/Microsoft.CognitiveServices/accounts/Face-One';
const CANONICAL = RESOURCE.toLowerCase();
const NOW = new Date('2030-01-01T00:00:00Z');
const IAT = NOW.getTime() / 1000;


describe(signResourceToken.name, () => {
  let key: SigningKey;
  let jwks: JsonWebKeySet;
  const options = () => ({ jwks, issuer: ISSUER, audience: RESOURCE, now: NOW });
  beforeAll(async () => {
    key = await generateSigningKey('EdDSA');
    jwks = new KeyRing([{ key, status: 'active' }]).publicJwks();
  });

  it('signs a 10-minute at+jwt for the canonical resource and verifies it', async () => {
    const signed = await signResourceToken({ issuer: ISSUER, resourceId: RESOURCE, now: NOW, jti: 'jti-r' }, key);
    expect(jose.decodeProtectedHeader(signed.token)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: ACCESS_TOKEN_TYP });
    expect(signed.claims).toEqual({
      iss: ISSUER,
      aud: CANONICAL,
      sub: CANONICAL,
      client_id: CANONICAL,
      iat: IAT,
      nbf: IAT,
      exp: IAT + RESOURCE_TOKEN_LIFETIME_SECONDS,
      jti: 'jti-r',
    });
    expect(RESOURCE_TOKEN_LIFETIME_SECONDS).toBe(600);
    await expect(verifyResourceToken(signed.token, options())).resolves.toEqual({ claims: signed.claims, kid: key.kid, alg: 'EdDSA' });
  });

  it('refuses a resource id that is not one with INPUT_INVALID', async () => {
    expect(await codeOfRejection(signResourceToken({ issuer: ISSUER, resourceId: 'face-one', now: NOW }, key))).toBe('TOKENS.INPUT_INVALID');
  });

  describe(verifyResourceToken.name, () => {
    it('rejects a limited access token as WRONG_TYPE, and a resource token is no LAT either', async () => {
      const lat = await signLimitedAccessToken(
        { issuer: ISSUER, isvId: 'isv-1', resourceId: RESOURCE, features: ['Face.Identification'], lifetimeSeconds: 600, now: NOW },
        key,
      );
      expect(await codeOfRejection(verifyResourceToken(lat.token, options()))).toBe('TOKENS.WRONG_TYPE');
    });

    it("rejects another resource's token as WRONG_AUDIENCE", async () => {
      const signed = await signResourceToken({ issuer: ISSUER, resourceId: RESOURCE, now: NOW }, key);
      const other = RESOURCE.replace('Face-One', 'Face-Two');
      expect(await codeOfRejection(verifyResourceToken(signed.token, { ...options(), audience: other }))).toBe('TOKENS.WRONG_AUDIENCE');
    });

    it('rejects the token as EXPIRED 600 s after issue plus the tolerance', async () => {
      const signed = await signResourceToken({ issuer: ISSUER, resourceId: RESOURCE, now: NOW }, key);
      const late = new Date((IAT + RESOURCE_TOKEN_LIFETIME_SECONDS + 5) * 1000);
      expect(await codeOfRejection(verifyResourceToken(signed.token, { ...options(), now: late }))).toBe('TOKENS.EXPIRED');
    });

    it('rejects an exchanged internal access token (same typ) addressed to the resource as CLAIMS_INVALID', async () => {
      const privateKey = await jose.importJWK({ ...key.privateJwk }, key.alg);
      const internal = await new jose.SignJWT({
        iss: ISSUER,
        aud: CANONICAL,
        sub: 'person-1',
        client_id: 'app-1',
        scope: 'reports.read',
        iat: IAT,
        nbf: IAT,
        exp: IAT + 600,
        jti: 'jti-i',
      })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYP })
        .sign(privateKey);
      expect(await codeOfRejection(verifyResourceToken(internal, options()))).toBe('TOKENS.CLAIMS_INVALID');
    });
  });
});
