import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Subscription keys and other API keys: 32 random bytes (256 bits), shown
 * once at creation, stored only as a SHA-256 digest. A slow password hash
 * would add nothing for keys of this entropy and would cost every request.
 * A short prefix names the kind of key, so a leaked key is recognisable by
 * secret scanners (WIRE.md §8: unique prefix, high-entropy body).
 */
export type ApiKeyKind = 'isv' | 'client' | 'operator' | 'app';

const PREFIX: Record<ApiKeyKind, string> = { isv: 'lk_isv_', client: 'lk_cli_', operator: 'lk_op_', app: 'lk_app_' };

/** A new random key of `kind`, e.g. `lk_isv_3q2+…` (base64url body). */
export function generateApiKey(kind: ApiKeyKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** The stored form of a key: hex SHA-256 of its exact bytes. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares a presented key with a stored digest in constant time. */
export function apiKeyMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
