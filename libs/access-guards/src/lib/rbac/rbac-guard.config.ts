import { defineConfigSlice, envInteger, envString, envUrl } from '@latchkey/config';
import { DEFAULT_ADMIN_AUDIENCE } from '@latchkey/contracts';

/**
 * What every service whose endpoints declare `@RequireScope` /
 * `@RequirePermission` must know: whose internal access tokens it accepts
 * (the exchange's `iss` and keys), the audience they must name, where the
 * rbac service decides permissions and with which key, and how long a
 * decision may be reused before it, or the change feed, counts as stale.
 */
export const rbacGuardConfig = defineConfigSlice('rbac-guard', {
  LATCHKEY_RBAC_EXCHANGE_ISSUER: envUrl(['http:', 'https:'])
    .default('http://127.0.0.1:3003')
    .describe('The `iss` an endpoint accepts in internal access tokens: the exchange’s LATCHKEY_EXCHANGE_URL.'),
  LATCHKEY_RBAC_EXCHANGE_JWKS_URL: envUrl(['http:', 'https:'])
    .optional()
    .describe('Where the exchange publishes its signing keys. Default: LATCHKEY_RBAC_EXCHANGE_ISSUER + `/.well-known/jwks.json`.'),
  LATCHKEY_RBAC_AUDIENCE: envString()
    .max(256)
    .optional()
    .describe('The `aud` an internal access token must carry to reach this service’s endpoints. Default: `api://latchkey-<service>`.'),
  LATCHKEY_RBAC_ADMIN_AUDIENCE: envString()
    .max(256)
    .default(DEFAULT_ADMIN_AUDIENCE)
    .describe('The `aud` an internal access token must carry to reach the admin API (`/admin/v1/…`) of any service: one audience for all of them.'),
  LATCHKEY_RBAC_DECISION_URL: envUrl(['http:', 'https:'])
    .default('http://127.0.0.1:3004/rbac/v1/decisions')
    .describe('The rbac service’s decision API (`POST`), asked when no fresh cached decision exists.'),
  LATCHKEY_RBAC_ENDPOINT_REGISTRY_URL: envUrl(['http:', 'https:'])
    .optional()
    .describe(
      'The rbac service’s endpoint registry; at start the service sends the list of its RBAC endpoints to `<url>/<service>` (`PUT`), retrying in the background while the rbac service is unreachable. Default: the origin of LATCHKEY_RBAC_DECISION_URL + `/rbac/v1/endpoints`.',
    ),
  LATCHKEY_RBAC_DECISION_KEY: envString()
    .regex(/^[A-Za-z0-9._~+/-]{32,512}=*$/, { message: 'must be 32-512 characters of a bearer token (letters, digits, ._~+/-)' })
    .optional()
    .describe(
      'The bearer key the guard presents to the decision API (the rbac service’s LATCHKEY_RBAC_OPERATOR_KEY for now). Unset and embedded: the key the rbac service generated under LATCHKEY_DATA_DIR. Unset with DATABASE_URL: no permission can be decided and permission-gated endpoints answer 503 (fail closed).',
    ),
  LATCHKEY_RBAC_DECISION_TIMEOUT_MS: envInteger({ min: 50, max: 30_000 })
    .default(2000)
    .describe('How long the guard waits for the decision API before answering 503 (unless a fresh cached decision exists).'),
  LATCHKEY_RBAC_DECISION_CACHE_TTL_MS: envInteger({ min: 0, max: 300_000 })
    .default(30_000)
    .describe('How long a decision is reused without asking again (any `rbac.changed` clears them sooner). 0 asks for every request.'),
  LATCHKEY_RBAC_MAX_STALENESS_MS: envInteger({ min: 100, max: 600_000 })
    .default(5000)
    .describe(
      'How long the `rbac.changed` feed may be down or behind before cached decisions are no longer used (every request asks the decision API; unreachable: 503).',
    ),
  LATCHKEY_RBAC_CLOCK_TOLERANCE_SECONDS: envInteger({ min: 0, max: 60 })
    .default(5)
    .describe('Clock skew, in seconds, allowed on an internal access token’s `exp` and `iat`.'),
});

/** The registry URL: configured, else beside the decision API. */
export function endpointRegistryUrl(configured: string | undefined, decisionUrl: string): string {
  return (configured ?? `${new URL(decisionUrl).origin}/rbac/v1/endpoints`).replace(/\/+$/, '');
}
