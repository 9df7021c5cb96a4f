import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { decodeBase64urlStrict } from './base64url';
import type { PrivateSigningJwk } from './signing-key';
import { TokenError } from './token-error';

/**
 * Private signing keys at rest: AES-256-GCM under a 32-byte key-encryption
 * key from configuration, with the key's `kid` as additional authenticated
 * data. Binding the kid means a sealed blob copied onto another key's row
 * fails to open instead of silently signing under the wrong `kid`.
 *
 * Format: `v1.<base64url iv>.<base64url ciphertext ‖ tag>`. The version
 * prefix leaves room to change the scheme (or the key-encryption key) and
 * re-seal old rows lazily.
 */
const VERSION = 'v1';
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs, random, one per seal.
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Seals a private JWK for storage. The JWK must carry its `kid`, which
 * becomes the additional authenticated data.
 *
 * @param encryptionKey 32 random bytes (the key-encryption key from configuration).
 * @throws TokenError `TOKENS.INPUT_INVALID` when the encryption key is not 32 bytes.
 */
export function sealPrivateKey(privateJwk: PrivateSigningJwk, encryptionKey: Buffer): string {
  if (encryptionKey.length !== KEY_BYTES) {
    throw new TokenError('TOKENS.INPUT_INVALID', `the key-encryption key must be ${KEY_BYTES} bytes`);
  }
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(privateJwk.kid, 'utf8'));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(privateJwk), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
}

/**
 * Opens a value made by {@link sealPrivateKey} for the key `kid`. Returns
 * the JWK as parsed JSON; pass it to `restoreSigningKey`, which validates
 * it and checks that `kid` is its thumbprint.
 *
 * @throws TokenError `TOKENS.KEY_UNSEALABLE` for a wrong encryption key,
 *   altered bytes, another key's `kid`, or a value not in this format.
 */
export function openPrivateKey(sealed: string, encryptionKey: Buffer, kid: string): unknown {
  const parts = sealed.split('.');
  const [version, ivText, bodyText] = parts;
  if (parts.length !== 3 || version !== VERSION || ivText === undefined || bodyText === undefined) {
    throw unsealable(kid, `not a ${VERSION} sealed key`);
  }
  const iv = decodeBase64urlStrict(ivText);
  const body = decodeBase64urlStrict(bodyText);
  if (iv?.length !== IV_BYTES || body === undefined || body.length <= TAG_BYTES) {
    throw unsealable(kid, 'the sealed key is truncated or not base64url');
  }
  if (encryptionKey.length !== KEY_BYTES) {
    throw unsealable(kid, `the key-encryption key must be ${KEY_BYTES} bytes`);
  }
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', encryptionKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    plaintext = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (cause) {
    // GCM does not say which input was wrong, and must not: key, bytes and kid look alike.
    throw unsealable(kid, 'wrong key-encryption key, altered ciphertext, or sealed for another kid', cause);
  }
  try {
    return JSON.parse(plaintext) as unknown;
  } catch (cause) {
    throw unsealable(kid, 'the sealed key is not JSON', cause);
  }
}

function unsealable(kid: string, why: string, cause?: unknown): TokenError {
  return new TokenError('TOKENS.KEY_UNSEALABLE', `cannot open the private key ${kid}: ${why}`, { kid }, { cause });
}
