import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Subscription keys and other API keys: 32 random bytes (256 bits), shown
 * once at creation, stored only as a SHA-256 digest. A slow password hash
 * would add nothing for keys of this entropy and would cost every request.
 * A short prefix names the kind of key, so a leaked key is recognisable by
 * secret scanners (WIRE.md §8: unique prefix, high-entropy body). A
 * service's key towards the rbac service, `lk_svc_<service>_…`, is not
 * random but derived (libs/access-guards, rbac/service-key.ts); the secret
 * shapes recognise it too.
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

/**
 * The stored form of a key that must not be checkable from a database copy
 * alone (ISV subscription keys, issuer issue): hex HMAC-SHA256 under a
 * server secret that lives outside the database. Deterministic, so the
 * digest is the lookup key; keyed, so a leaked table cannot confirm a
 * guessed or leaked key without the secret too.
 */
export function digestApiKey(key: string, secret: Uint8Array): string {
  if (secret.length < 32) throw new Error('the key digest secret must be at least 32 bytes');
  return createHmac('sha256', secret).update(key, 'utf8').digest('hex');
}

/** Compares a presented key with a stored digest in constant time. */
export function apiKeyMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
