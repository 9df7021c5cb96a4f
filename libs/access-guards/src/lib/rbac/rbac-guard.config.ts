import { defineConfigSlice, envInteger, envString, envUrl } from '@latchkey/config';
import { DEFAULT_ADMIN_AUDIENCE } from '@latchkey/contracts';
import { SERVICE_KEY_PREFIX, serviceKeyVariable } from './service-key';

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
    .optional()
    .refine((value) => value === undefined, {
      message:
        'is no longer read: it was the rbac service’s break-glass key, shared by every service. Unset it and give each service its own key, LATCHKEY_<SERVICE>_RBAC_KEY (docs/RBAC.md “Service keys”)',
    })
    .describe(
      'Removed: it held the rbac service’s break-glass operator key in every service. A service that still sets it does not start; each service now presents its own key, LATCHKEY_<SERVICE>_RBAC_KEY (docs/RBAC.md “Service keys”).',
    ),
  LATCHKEY_ISSUER_RBAC_KEY: serviceKeyField('issuer'),
  LATCHKEY_FACE_API_RBAC_KEY: serviceKeyField('face-api'),
  LATCHKEY_EXCHANGE_RBAC_KEY: serviceKeyField('exchange'),
  LATCHKEY_AUDIT_RBAC_KEY: serviceKeyField('audit'),
  LATCHKEY_ABUSE_DETECTOR_RBAC_KEY: serviceKeyField('abuse-detector'),
  LATCHKEY_TESTAPI_RBAC_KEY: serviceKeyField('testapi'),
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

/**
 * `LATCHKEY_<SERVICE>_RBAC_KEY` (serviceKeyVariable) of a service with a
 * guard; the rbac service has none (it decides in-process). One variable per
 * service, so that the services of one process (`npm start`) each find their own.
 */
function serviceKeyField(service: string) {
  const shape = new RegExp(`^${SERVICE_KEY_PREFIX}${service}_[A-Za-z0-9_-]{43}$`);
  return envString()
    .regex(shape, { message: `must be the ${service} service’s key, ${SERVICE_KEY_PREFIX}${service}_<43 base64url characters>` })
    .optional()
    .describe(
      `The ${service} service’s key for the rbac service’s decision API and for registering its own endpoints (\`Authorization: Bearer <key>\`): \`${SERVICE_KEY_PREFIX}${service}_…\`, derived from the rbac service’s LATCHKEY_RBAC_SERVICE_KEY_SECRET (docs/RBAC.md “Service keys”); it opens nothing else. Unset and embedded: derived from the secret generated under LATCHKEY_DATA_DIR. Unset with DATABASE_URL: no permission can be decided and permission-gated endpoints answer 503 (fail closed).`,
    );
}

/** The configured key of `service` (its LATCHKEY_<SERVICE>_RBAC_KEY), undefined when unset or when the service has no variable. */
export function configuredServiceKey(config: Readonly<Record<string, unknown>>, service: string): string | undefined {
  const value = config[serviceKeyVariable(service)];
  return typeof value === 'string' ? value : undefined;
}
