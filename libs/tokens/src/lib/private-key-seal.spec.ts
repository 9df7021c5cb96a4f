import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { openPrivateKey, sealPrivateKey } from './private-key-seal';
import { generateSigningKey, restoreSigningKey, type SigningKey } from './signing-key';
import { codeOf } from './test-support/token-error-code';


const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe(sealPrivateKey.name, () => {
  let key: SigningKey;
  let other: SigningKey;
  const encryptionKey = randomBytes(32);
  beforeAll(async () => {
    [key, other] = await Promise.all([generateSigningKey('EdDSA'), generateSigningKey('ES256')]);
  });

  it('seals as v1.<iv>.<ciphertext+tag> and opens back to the same JWK, which restores the same key', async () => {
    const sealed = sealPrivateKey(key.privateJwk, encryptionKey);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    const opened = openPrivateKey(sealed, encryptionKey, key.kid);
    expect(opened).toEqual(key.privateJwk);
    expect(await restoreSigningKey(opened, key.createdAt)).toEqual(key);
  });

  it('never shows the private member in the sealed form, and uses a fresh IV each time', () => {
    const a = sealPrivateKey(key.privateJwk, encryptionKey);
    const b = sealPrivateKey(key.privateJwk, encryptionKey);
    expect(a).not.toContain(key.privateJwk.d);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
  });

  it('refuses a key-encryption key that is not 32 bytes', () => {
    expect(codeOf(() => sealPrivateKey(key.privateJwk, randomBytes(16)))).toBe('TOKENS.INPUT_INVALID');
  });

  describe(openPrivateKey.name, () => {
    it('fails with KEY_UNSEALABLE under another key-encryption key', () => {
      const sealed = sealPrivateKey(key.privateJwk, encryptionKey);
      expect(codeOf(() => openPrivateKey(sealed, randomBytes(32), key.kid))).toBe('TOKENS.KEY_UNSEALABLE');
    });

    it('fails with KEY_UNSEALABLE for another kid, so a sealed key moved to another row never opens', () => {
      const sealed = sealPrivateKey(key.privateJwk, encryptionKey);
      expect(codeOf(() => openPrivateKey(sealed, encryptionKey, other.kid))).toBe('TOKENS.KEY_UNSEALABLE');
    });

    it('fails with KEY_UNSEALABLE when any character of the IV or ciphertext changes', () => {
      const sealed = sealPrivateKey(key.privateJwk, encryptionKey);
      const start = 'v1.'.length;
      fc.assert(
        fc.property(
          fc.integer({ min: start, max: sealed.length - 1 }),
          fc.constantFrom(...BASE64URL_ALPHABET, '.', '=', '+'),
          (index, replacement) => {
            fc.pre(sealed[index] !== replacement);
            const altered = sealed.slice(0, index) + replacement + sealed.slice(index + 1);
            expect(codeOf(() => openPrivateKey(altered, encryptionKey, key.kid))).toBe('TOKENS.KEY_UNSEALABLE');
          },
        ),
        { numRuns: 300 },
      );
    });

    it.each([
      ['an unknown version', (s: string) => s.replace(/^v1/, 'v2')],
      ['a missing part', (s: string) => s.split('.').slice(0, 2).join('.')],
      ['an extra part', (s: string) => `${s}.AAAA`],
      ['a body shorter than the tag', (s: string) => `${s.split('.').slice(0, 2).join('.')}.AAAA`],
      ['the empty string', () => ''],
    ])('fails with KEY_UNSEALABLE for %s', (_what, mangle) => {
      const sealed = mangle(sealPrivateKey(key.privateJwk, encryptionKey));
      expect(codeOf(() => openPrivateKey(sealed, encryptionKey, key.kid))).toBe('TOKENS.KEY_UNSEALABLE');
    });

    it('fails with KEY_UNSEALABLE, not a crash, for a key-encryption key of the wrong size', () => {
      const sealed = sealPrivateKey(key.privateJwk, encryptionKey);
      expect(codeOf(() => openPrivateKey(sealed, randomBytes(31), key.kid))).toBe('TOKENS.KEY_UNSEALABLE');
    });
  });
});
