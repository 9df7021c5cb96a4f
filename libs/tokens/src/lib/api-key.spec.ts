import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { apiKeyMatches, digestApiKey, generateApiKey, hashApiKey } from './api-key';

describe(generateApiKey.name, () => {
  it('prefixes the key with its kind and carries 256 bits of randomness', () => {
    const key = generateApiKey('isv');
    expect(key).toMatch(/^lk_isv_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey('isv')).not.toBe(key);
  });
});

describe(apiKeyMatches.name, () => {
  it('accepts the key whose digest is stored', () => {
    const key = generateApiKey('client');
    expect(apiKeyMatches(key, hashApiKey(key))).toBe(true);
  });

  it('rejects any other key, including a one-character change', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(apiKeyMatches(a, hashApiKey(b))).toBe(false);
      }),
    );
    const key = generateApiKey('client');
    const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(apiKeyMatches(altered, hashApiKey(key))).toBe(false);
  });

  it('rejects a malformed stored digest instead of throwing', () => {
    expect(apiKeyMatches('anything', 'not-hex')).toBe(false);
  });
});

describe(digestApiKey.name, () => {
  const secret = randomBytes(32);

  it('is deterministic under one secret, so the digest can be looked up', () => {
    const key = generateApiKey('isv');
    expect(digestApiKey(key, secret)).toBe(digestApiKey(key, Buffer.from(secret)));
    expect(digestApiKey(key, secret)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('depends on the secret: a database copy without it cannot confirm a key', () => {
    const key = generateApiKey('isv');
    expect(digestApiKey(key, randomBytes(32))).not.toBe(digestApiKey(key, secret));
    expect(digestApiKey(key, secret)).not.toBe(hashApiKey(key));
  });

  it('refuses a short secret', () => {
    expect(() => digestApiKey('lk_isv_x', randomBytes(16))).toThrow(/32 bytes/);
  });
});
