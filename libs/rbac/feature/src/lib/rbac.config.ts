import { envOperatorKey } from '@latchkey/access-guards';
import { defineConfigSlice } from '@latchkey/config';

/** The RBAC service's own settings: the operator key of its admin, decision and endpoint-registry routes. */
export const rbacConfig = defineConfigSlice('rbac', {
  LATCHKEY_RBAC_OPERATOR_KEY: envOperatorKey().describe(
    'The bearer key of the RBAC service’s operator routes (`Authorization: Bearer <key>` on /admin/v1 roles, permissions, subjects and assignments, and on the decision API and endpoint registry under /rbac/v1, which services on the internal network call with it), at least 32 characters. For the admin routes it is the break-glass credential beside operators’ tokens (docs/RBAC.md “Operators”); for the decision API and the endpoint registry it is the service key (LATCHKEY_RBAC_DECISION_KEY of every service). Generated under LATCHKEY_DATA_DIR when embedded. With DATABASE_URL and unset, the decision API and the registry are closed (every guard answers 503) and only operators’ tokens open the admin routes.',
  ),
});
