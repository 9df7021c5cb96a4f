import { envOperatorKey, SERVICE_KEY_SECRET_BASE64 } from '@latchkey/access-guards';
import { defineConfigSlice, envString } from '@latchkey/config';

/**
 * The RBAC service's own settings: the break-glass operator key (admin routes, and every service route for tools),
 * and the secret the services' own keys for the decision API and the endpoint registry are derived from.
 */
export const rbacConfig = defineConfigSlice('rbac', {
  LATCHKEY_RBAC_OPERATOR_KEY: envOperatorKey().describe(
    'The break-glass bearer key of the RBAC service (`Authorization: Bearer <key>`), at least 32 characters: beside operators’ tokens it opens the admin routes (/admin/v1 roles, permissions, subjects and assignments; docs/RBAC.md “Operators”), and it may also call the decision API and the endpoint registry for any service (tools, benchmarks). Services do not hold it: each presents its own key (LATCHKEY_<SERVICE>_RBAC_KEY, derived from LATCHKEY_RBAC_SERVICE_KEY_SECRET). Generated under LATCHKEY_DATA_DIR when embedded. With DATABASE_URL and unset, only operators’ tokens open the admin routes.',
  ),
  LATCHKEY_RBAC_SERVICE_KEY_SECRET: envString()
    .regex(SERVICE_KEY_SECRET_BASE64, { message: 'must be base64 of at least 32 bytes' })
    .optional()
    .describe(
      'Base64 of at least 32 random bytes: the HMAC key each service’s own key is derived from (`lk_svc_<service>_<base64url HMAC-SHA256 of its name>`, docs/RBAC.md “Service keys”). A service key opens the decision API and the PUT of its own service’s endpoint list only, never the admin routes. Derive a service’s key with `node deploy/compose/generate-env.js --service-key <service>` (reads this variable). Changing it changes every service’s key. Generated under LATCHKEY_DATA_DIR when embedded. With DATABASE_URL and unset, only the operator key opens the decision API and the registry (every service’s guard answers 503).',
    ),
  LATCHKEY_RBAC_SERVICE_KEY_PREVIOUS_SECRET: envString()
    .regex(SERVICE_KEY_SECRET_BASE64, { message: 'must be base64 of at least 32 bytes' })
    .optional()
    .describe(
      'While rotating LATCHKEY_RBAC_SERVICE_KEY_SECRET only: the secret it replaces. Keys derived from either are accepted, so the services can move to their new keys one by one; unset it once every service has. Ignored without LATCHKEY_RBAC_SERVICE_KEY_SECRET.',
    ),
});
