import { randomBytes } from 'node:crypto';
import { generateApiKey } from './api-key';
import { generateSigningKey } from './signing-key';
import { signLimitedAccessToken } from './limited-access-token';
import { aLatIssued, aLatRejected, aLatUsed, anAccessRevocation } from '@latchkey/contracts/testing';
import { findSecretShapes, redactSecretShapes } from './secret-shapes';

const RESOURCE = '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face';

describe(findSecretShapes.name, () => {
  it('finds a real limited access token, API keys of every kind, bearer credentials and private keys, wherever they hide', async () => {
    const key = await generateSigningKey('EdDSA');
    const token = (
      await signLimitedAccessToken(
        { issuer: 'https://sts.test', isvId: 'isv-a', resourceId: RESOURCE, features: ['Face.Verification'], lifetimeSeconds: 600, now: new Date() },
        key,
      )
    ).token;
    const value = {
      note: `copied from a log: ${token}`,
      nested: [{ isvKey: generateApiKey('isv') }, { [generateApiKey('client')]: 'as a key' }],
      header: 'Authorization: Bearer 3q2+7wAAAAAAAAAAAAAAAAAAAAAAAA',
      jwk: JSON.stringify(key.privateJwk),
      pem: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI...\n-----END PRIVATE KEY-----',
    };
    expect(findSecretShapes(value)).toEqual([
      { path: '$.note', shape: 'jwt' },
      { path: '$.nested[0].isvKey', shape: 'api-key' },
      { path: '$.nested[1].<key>', shape: 'api-key' },
      { path: '$.header', shape: 'bearer-credential' },
      { path: '$.jwk', shape: 'private-key' },
      { path: '$.pem', shape: 'private-key' },
    ]);
    expect(JSON.stringify(findSecretShapes(value))).not.toContain(token);
  });

  it('finds nothing in the identifiers events do carry: ids, jtis, resources, hashes, user agents', () => {
    for (const data of [aLatIssued(), aLatUsed(), aLatRejected(), anAccessRevocation(), { headHash: 'a'.repeat(64), kid: 'x'.repeat(43) }]) {
      expect(findSecretShapes(data)).toEqual([]);
    }
  });
});

describe('the shapes a review found missing', () => {
  it.each([
    ['a token copied into a URL, its dots percent-encoded', (token: string) => `https://gist.example/${token.replaceAll('.', '%2E')}`, 'jwt'],
    ['a token with lower-case encoded dots', (token: string) => `?t=${token.replaceAll('.', '%2e')}`, 'jwt'],
    ['a platform key glued to a word', () => `x_${generateApiKey('operator')}`, 'api-key'],
    ['a service key towards the rbac service', () => `key=lk_svc_abuse-detector_${randomBytes(32).toString('base64url')}`, 'api-key'],
    ['a service key glued to a word', () => `x_lk_svc_testapi_${randomBytes(32).toString('base64url')}`, 'api-key'],
    ['a webhook signing secret', () => 'whsec_uZrV5EBljW0bAHCyevfG5X9nMwkWk5hCIn5APWaih9M=', 'webhook-secret'],
  ] as const)('finds %s', async (_what, text, shape) => {
    const key = await generateSigningKey('ES256');
    const token = (
      await signLimitedAccessToken(
        { issuer: 'https://sts.test', isvId: 'isv-a', resourceId: RESOURCE, features: ['Face.Verification'], lifetimeSeconds: 600, now: new Date() },
        key,
      )
    ).token;
    expect(findSecretShapes({ text: text(token) })).toEqual([{ path: '$.text', shape }]);
    expect(JSON.stringify(redactSecretShapes(text(token)).value)).toContain(`[redacted:${shape}]`);
  });

  it('leaves a short whsec_ mention alone: it is a word in docs, not a secret', () => {
    expect(findSecretShapes('set the whsec_ secret')).toEqual([]);
  });
});

describe(redactSecretShapes.name, () => {
  it('replaces each secret-shaped part and keeps the rest, reporting where', () => {
    const key = generateApiKey('isv');
    const { value, findings } = redactSecretShapes({
      userAgent: `curl/8 ${key}`,
      ok: 'face.verify',
      n: 3,
      list: ['Bearer abcdefghijklmnopqrstuvwxyz012345'],
    });
    expect(value).toEqual({ userAgent: 'curl/8 [redacted:api-key]', ok: 'face.verify', n: 3, list: ['[redacted:bearer-credential]'] });
    expect(findings).toEqual([
      { path: '$.userAgent', shape: 'api-key' },
      { path: '$.list[0]', shape: 'bearer-credential' },
    ]);
    expect(findSecretShapes(value)).toEqual([]);
  });

  it('hands back a value without findings as it was, not a copy', () => {
    const event = { jti: 'c2b7a3d0-1f0e-4a8e-9f61-0c6f3d1f8f11', features: ['Face.Verification'], nested: { userAgent: 'client/1.0' } };
    const { value, findings } = redactSecretShapes(event);
    expect(value).toBe(event);
    expect(findings).toEqual([]);
  });

  it('copies only what it redacts, leaving the input untouched', () => {
    const event = { kept: { a: 'b' }, ua: `x Bearer ${'a'.repeat(24)}` };
    const { value } = redactSecretShapes(event) as { value: typeof event };
    expect(value).not.toBe(event);
    expect(value.kept).toBe(event.kept);
    expect(event.ua).toContain('Bearer');
  });
});
