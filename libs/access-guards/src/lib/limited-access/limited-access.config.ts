import { defineConfigSlice, envInteger, envUrl } from '@latchkey/config';

/**
 * What every resource server that gates operations on limited access tokens
 * must know: whose tokens it accepts, where their keys are published, its
 * own public URL (DPoP proofs name it), and how stale its revocation state
 * may become before gated requests fail closed.
 */
export const limitedAccessConfig = defineConfigSlice('limited-access', {
  LATCHKEY_LAT_ISSUER: envUrl(['http:', 'https:'])
    .default('http://127.0.0.1:3001')
    .describe('The `iss` a resource server accepts in limited access tokens: the issuer’s LATCHKEY_ISSUER_URL.'),
  LATCHKEY_LAT_JWKS_URL: envUrl(['http:', 'https:'])
    .optional()
    .describe('Where the issuer publishes its signing keys. Default: LATCHKEY_LAT_ISSUER + `/.well-known/jwks.json`.'),
  LATCHKEY_LAT_JWKS_COOLDOWN_MS: envInteger({ min: 1000, max: 600_000 })
    .default(30_000)
    .describe('Least time between two JWKS fetches caused by tokens naming an unknown `kid`, so forged kids cannot make the verifier hammer the issuer.'),
  LATCHKEY_LAT_CLOCK_TOLERANCE_SECONDS: envInteger({ min: 0, max: 60 })
    .default(5)
    .describe('Clock skew, in seconds, allowed on a token’s `exp`, `nbf` and `iat` and on DPoP proofs.'),
  LATCHKEY_RESOURCE_SERVER_URL: envUrl(['http:', 'https:'])
    .default('http://127.0.0.1:3002')
    .describe('This resource server’s public base URL: a DPoP proof’s `htu` must name it (never the Host the request came with).'),
  LATCHKEY_REVOCATION_MAX_STALENESS_MS: envInteger({ min: 100, max: 600_000 })
    .default(5000)
    .describe('How long the revocation feed may be down before gated requests are refused with 503 instead of served on stale revocation state.'),
});
