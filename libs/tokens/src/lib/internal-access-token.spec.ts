import { ACCESS_TOKEN_TYP } from '@latchkey/contracts';
import * as jose from 'jose';
import {
  INTERNAL_ACCESS_TOKEN_MAX_LIFETIME_SECONDS,
  signInternalAccessToken,
  verifyInternalAccessToken,
  type InternalAccessTokenInput,
} from './internal-access-token';
import { KeyRing } from './key-ring';
import { signLimitedAccessToken } from './limited-access-token';
import { signResourceToken } from './resource-token';
import { generateSigningKey, type SigningKey } from './signing-key';
import { codeOfRejection } from './test-support/token-error-code';
import type { JsonWebKeySet } from './verify-jwt';

const EXCHANGE = 'https://exchange.latchkey.test';
const API = 'api://latchkey-testapi';
const NOW = new Date('2030-01-01T00:00:00Z');
const IAT = NOW.getTime() / 1000;
const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OID = '00000000-0000-4000-8000-0000000000a1';

const input = (overrides: Partial<InternalAccessTokenInput> = {}): InternalAccessTokenInput => ({
  issuer: EXCHANGE,
  audience: API,
  personId: 'p_1',
  clientId: 'testapi-client',
  scopes: ['testapi.read', 'testapi.write'],
  tenantId: TID,
  objectId: OID,
  sourceTokenId: 'uti-source-1',
  now: NOW,
  expiresAt: new Date(NOW.getTime() + 3600_000),
  jti: 'jti-at',
  ...overrides,
});

describe(signInternalAccessToken.name, () => {
  let key: SigningKey;
  let jwks: JsonWebKeySet;
  const options = () => ({ jwks, issuer: EXCHANGE, audience: API, now: NOW });

  beforeAll(async () => {
    key = await generateSigningKey('ES256');
    jwks = new KeyRing([{ key, status: 'active' }]).publicJwks();
  });

  it('signs an at+jwt naming the person, the application, the granted scopes and the Entra identity, and verifies it', async () => {
    const signed = await signInternalAccessToken(input(), key);

    expect(jose.decodeProtectedHeader(signed.token)).toEqual({ alg: 'ES256', kid: key.kid, typ: ACCESS_TOKEN_TYP });
    expect(signed.claims).toEqual({
      iss: EXCHANGE,
      aud: API,
      sub: 'p_1',
      client_id: 'testapi-client',
      scope: 'testapi.read testapi.write',
      tid: TID,
      oid: OID,
      src_uti: 'uti-source-1',
      iat: IAT,
      exp: IAT + 3600,
      jti: 'jti-at',
    });
    await expect(verifyInternalAccessToken(signed.token, options())).resolves.toEqual({ claims: signed.claims, kid: key.kid, alg: 'ES256' });
  });

  it('leaves src_uti out when the source token had no id', async () => {
    const signed = await signInternalAccessToken(input({ sourceTokenId: null }), key);
    expect(signed.claims).not.toHaveProperty('src_uti');
  });

  it('never lives longer than the maximum lifetime, whatever expiry is asked for', async () => {
    const signed = await signInternalAccessToken(input({ expiresAt: new Date(NOW.getTime() + 7 * 86_400_000) }), key);
    expect(signed.claims.exp - signed.claims.iat).toBe(INTERNAL_ACCESS_TOKEN_MAX_LIFETIME_SECONDS);
  });

  it.each([
    ['no scope', { scopes: [] }],
    ['a scope with a space inside', { scopes: ['a b'] }],
    ['an expiry not after now', { expiresAt: NOW }],
    ['a tenant that is not a GUID', { tenantId: 'contoso.onmicrosoft.com' }],
  ])('signs nothing for %s', async (_what, overrides) => {
    expect(await codeOfRejection(signInternalAccessToken(input(overrides), key))).toBe('TOKENS.INPUT_INVALID');
  });

  describe(verifyInternalAccessToken.name, () => {
    it('refuses a token for another API, and one from another issuer', async () => {
      const signed = await signInternalAccessToken(input(), key);
      expect(await codeOfRejection(verifyInternalAccessToken(signed.token, { ...options(), audience: 'api://other' }))).toBe('TOKENS.WRONG_AUDIENCE');
      expect(await codeOfRejection(verifyInternalAccessToken(signed.token, { ...options(), issuer: 'https://elsewhere' }))).toBe(
        'TOKENS.WRONG_ISSUER',
      );
    });

    it('refuses an expired one', async () => {
      const signed = await signInternalAccessToken(input(), key);
      const later = new Date(NOW.getTime() + 3601_000 + 10_000);
      expect(await codeOfRejection(verifyInternalAccessToken(signed.token, { ...options(), now: later }))).toBe('TOKENS.EXPIRED');
    });

    it('refuses the issuer’s resource token (same typ, no scope or identity) and a limited access token', async () => {
      const resource = await signResourceToken(
        {
          issuer: EXCHANGE,
          resourceId: '/subscriptions/0f8fad5b-d9cb-469f-a165-70867728950e/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face',
          now: NOW,
        },
        key,
      );
      const resourceCode = await codeOfRejection(verifyInternalAccessToken(resource.token, { ...options(), audience: resource.claims.aud }));
      expect(['TOKENS.CLAIMS_INVALID', 'TOKENS.MALFORMED']).toContain(resourceCode);
      const lat = await signLimitedAccessToken(
        { issuer: EXCHANGE, isvId: 'isv', resourceId: resource.claims.aud, features: ['Face.Identification'], lifetimeSeconds: 600, now: NOW },
        key,
      );
      expect(await codeOfRejection(verifyInternalAccessToken(lat.token, { ...options(), audience: resource.claims.aud }))).toBe('TOKENS.WRONG_TYPE');
    });
  });
});
