import { createHash, generateKeyPairSync } from 'node:crypto';
import { DEFAULT_SIGNING_ALGORITHM } from './signing-algorithm';
import { generateSigningKey, restoreSigningKey, type SigningKey } from './signing-key';
import { codeOfRejection } from './test-support/token-error-code';

/** RFC 7638 §3, computed independently of jose: SHA-256 of the required members in lexical order. */
function thumbprint(jwk: { kty: string; crv: string; x: string; y?: string }): string {
  const json =
    jwk.kty === 'EC'
      ? JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
      : JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(json).digest('base64url');
}


describe(generateSigningKey.name, () => {
  it.each([
    ['ES256', 'EC', 'P-256'],
    ['EdDSA', 'OKP', 'Ed25519'],
  ] as const)('generates an %s key (%s %s) whose kid is its RFC 7638 thumbprint', async (alg, kty, crv) => {
    const createdAt = new Date('2030-01-01T00:00:00Z');
    const key = await generateSigningKey(alg, createdAt);
    expect(key.alg).toBe(alg);
    expect(key.createdAt).toEqual(createdAt);
    expect(key.publicJwk).toMatchObject({ kty, crv, kid: key.kid, alg, use: 'sig' });
    expect(key.kid).toBe(thumbprint(key.publicJwk));
    expect(key.privateJwk).toMatchObject({ ...key.publicJwk, d: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('never puts the private member in the public JWK', async () => {
    const key = await generateSigningKey('ES256');
    expect(Object.keys(key.publicJwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  it('generates a key of the measured default algorithm when none is named', async () => {
    expect((await generateSigningKey()).alg).toBe(DEFAULT_SIGNING_ALGORITHM);
  });

  it('generates a different key, hence a different kid, every time', async () => {
    const [a, b] = await Promise.all([generateSigningKey('EdDSA'), generateSigningKey('EdDSA')]);
    expect(a.kid).not.toBe(b.kid);
  });
});

describe(restoreSigningKey.name, () => {
  let es: SigningKey;
  let ed: SigningKey;
  beforeAll(async () => {
    [es, ed] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('EdDSA')]);
  });

  it('rebuilds the same key from its stored private JWK', async () => {
    for (const key of [es, ed]) {
      const restored = await restoreSigningKey(JSON.parse(JSON.stringify(key.privateJwk)), key.createdAt);
      expect(restored).toEqual(key);
    }
  });

  it('accepts a bare private JWK without kid, alg or use and derives them', async () => {
    const { kty, crv, x, y, d } = es.privateJwk;
    const restored = await restoreSigningKey({ kty, crv, x, y, d }, es.createdAt);
    expect(restored.kid).toBe(es.kid);
    expect(restored.alg).toBe('ES256');
  });

  it('rejects a stored kid that is not the thumbprint of the key', async () => {
    expect(await codeOfRejection(restoreSigningKey({ ...es.privateJwk, kid: ed.kid }, es.createdAt))).toBe('TOKENS.KEY_INVALID');
  });

  it('rejects a stored alg that does not match the key type', async () => {
    expect(await codeOfRejection(restoreSigningKey({ ...ed.privateJwk, alg: 'ES256' }, ed.createdAt))).toBe('TOKENS.KEY_INVALID');
  });

  it('rejects public members that do not belong to the private member', async () => {
    const other = await generateSigningKey('EdDSA');
    const mixed = { kty: 'OKP', crv: 'Ed25519', x: other.publicJwk.x, d: ed.privateJwk.d };
    expect(await codeOfRejection(restoreSigningKey(mixed, ed.createdAt))).toBe('TOKENS.KEY_INVALID');
  });

  it('rejects a public key, which cannot sign', async () => {
    expect(await codeOfRejection(restoreSigningKey(es.publicJwk, es.createdAt))).toBe('TOKENS.KEY_INVALID');
  });

  it.each([
    ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })],
    ['a P-384 key', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' })],
    ['a symmetric key', { kty: 'oct', k: 'c2VjcmV0' }],
    ['not a JWK at all', 'a string'],
  ])('rejects %s', async (_what, jwk) => {
    expect(await codeOfRejection(restoreSigningKey(jwk, new Date()))).toBe('TOKENS.KEY_INVALID');
  });
});
