import fc from 'fast-check';
import { apiKeyMatches, generateApiKey, hashApiKey } from './api-key';

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
