import * as jose from 'jose';
import { KeyRing } from './key-ring';
import { signResourceToken } from './resource-token';
import { generateSigningKey, type SigningKey } from './signing-key';
import { inspectPlatformJwt, type JsonWebKeySet } from './verify-jwt';
import { codeOfRejection } from './test-support/token-error-code';

const ISSUER = 'https://issuer.latchkey.test';
const RESOURCE = '/subscriptions/0f8fad5b-d9cb-469f-a165-70867728950e/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/face';
const NOW = new Date('2030-01-01T00:00:00Z');

describe(inspectPlatformJwt.name, () => {
  let key: SigningKey;
  let jwks: JsonWebKeySet;
  let token: string;
  beforeAll(async () => {
    key = await generateSigningKey('ES256');
    jwks = new KeyRing([{ key, status: 'active' }]).publicJwks();
    token = (await signResourceToken({ issuer: ISSUER, resourceId: RESOURCE, now: NOW, jti: 'jti-i' }, key)).token;
  });

  it('answers the header and claims of a token of any profile, checking iss and aud only when given', async () => {
    const inspected = await inspectPlatformJwt(token, { jwks, now: NOW });
    expect(inspected.header).toMatchObject({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' });
    expect(inspected.claims).toMatchObject({ iss: ISSUER, aud: RESOURCE, jti: 'jti-i' });
    await expect(inspectPlatformJwt(token, { jwks, now: NOW, issuer: ISSUER, audience: RESOURCE })).resolves.toEqual(inspected);
  });

  it('refuses a wrong issuer or audience, an expired token, a stranger key and alg none, each with its code', async () => {
    const stranger = new KeyRing([{ key: { ...(await generateSigningKey('ES256')), kid: key.kid }, status: 'active' }]).publicJwks();
    const later = new Date(NOW.getTime() + 3600_000);
    const unsigned = `${jose.base64url.encode(JSON.stringify({ alg: 'none', kid: key.kid }))}.${jose.base64url.encode('{}')}.`;
    expect([
      await codeOfRejection(inspectPlatformJwt(token, { jwks, now: NOW, issuer: 'https://elsewhere.test' })),
      await codeOfRejection(inspectPlatformJwt(token, { jwks, now: NOW, audience: 'other' })),
      await codeOfRejection(inspectPlatformJwt(token, { jwks, now: later })),
      await codeOfRejection(inspectPlatformJwt(token, { jwks: stranger, now: NOW })),
      await codeOfRejection(inspectPlatformJwt(unsigned, { jwks, now: NOW })),
    ]).toEqual(['TOKENS.WRONG_ISSUER', 'TOKENS.WRONG_AUDIENCE', 'TOKENS.EXPIRED', 'TOKENS.BAD_SIGNATURE', 'TOKENS.MALFORMED']);
  });
});
