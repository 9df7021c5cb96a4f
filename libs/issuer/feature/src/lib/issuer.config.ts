import { envOperatorKey } from '@latchkey/access-guards';
import { defineConfigSlice, envInteger, envString, envUrl } from '@latchkey/config';

/**
 * The issuer's own settings. Two secrets live outside the database: the
 * key-encryption key sealing signing keys at rest, and the key digesting
 * subscription keys. Without them the embedded (`npm start`) runtime
 * generates them under the data folder, and a deployment on PostgreSQL must
 * set them (the boot fails otherwise, rather than rely on secrets nobody
 * backs up). The operator's admin key is a secret too, but optional: without
 * it on PostgreSQL only the admin API is off (it fails closed), not issuance.
 */
export const issuerConfig = defineConfigSlice('issuer', {
  LATCHKEY_ISSUER_URL: envUrl(['http:', 'https:'])
    .default('http://127.0.0.1:3001')
    .describe('The `iss` of every token this issuer signs, and the base of its JWKS and metadata URLs.'),
  LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: envString()
    .regex(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes, base64-encoded' })
    .optional()
    .describe(
      'Base64 of 32 random bytes sealing the signing keys at rest (AES-256-GCM). Required with DATABASE_URL; generated under LATCHKEY_DATA_DIR when embedded.',
    ),
  LATCHKEY_ISSUER_KEY_DIGEST_SECRET: envString()
    .regex(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes, base64-encoded' })
    .optional()
    .describe(
      'Base64 of 32 random bytes: the HMAC key under which ISV subscription keys are stored, so a copy of the database alone cannot confirm a key. Required with DATABASE_URL; generated under LATCHKEY_DATA_DIR when embedded. Changing it invalidates every subscription key.',
    ),
  LATCHKEY_ISSUER_OPERATOR_KEY: envOperatorKey().describe(
    'The operator’s bearer key for the admin API (`Authorization: Bearer <key>` on /admin/v1), at least 32 characters: the break-glass credential beside operators’ tokens (docs/RBAC.md “Operators”), for bootstrap and for an outage of the exchange. Generated under LATCHKEY_DATA_DIR when embedded. With DATABASE_URL and unset, only operators’ tokens open the admin API.',
  ),
  LATCHKEY_ISSUER_RATE_LIMIT_PER_SECOND: envInteger({ min: 0, max: 1_000_000 })
    .default(1000)
    .describe('Issuance requests per second each ISV may make (sustained); 0 turns the limit off.'),
  LATCHKEY_ISSUER_RATE_LIMIT_BURST: envInteger({ min: 1, max: 1_000_000 })
    .default(2000)
    .describe('Issuance requests an ISV may make beyond the per-second rate within any 10 seconds.'),
  LATCHKEY_ISSUER_RATE_LIMIT_REDIS_URL: envUrl(['redis:', 'rediss:'])
    .optional()
    .describe(
      'Redis holding the rate-limit counters, shared by every issuer instance. Unset: each instance counts alone. While Redis is unreachable, each instance falls back to its own counters.',
    ),
  LATCHKEY_ISSUER_CACHE_TTL_MS: envInteger({ min: 0, max: 60_000 })
    .default(1000)
    .describe(
      'How long an instance may answer from memory for an ISV (by key) and its client blocks before reading them again; bounds how late another instance sees an approval, grant or block change. 0 reads every time.',
    ),
  LATCHKEY_ISSUER_KEY_ROTATION_DAYS: envInteger({ min: 1, max: 365 })
    .default(30)
    .describe('Days after which a new signing key takes over; the old one stays in the JWKS until its last token expired.'),
  LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS: envInteger({ min: 1, max: 86_400 })
    .default(600)
    .describe(
      'Seconds a new signing key is in the JWKS before it signs (scheduled and on-demand rotations), so every verifier holds it before its first token. Keep it above the ring reload (60 s) plus the JWKS Cache-Control max-age (300 s) plus the verifiers’ refetch cooldown (LATCHKEY_LAT_JWKS_COOLDOWN_MS); the issuer warns at boot below 420.',
    ),
});
