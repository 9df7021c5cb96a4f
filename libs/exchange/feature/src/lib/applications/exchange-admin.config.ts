import { envOperatorKey } from '@latchkey/access-guards';
import { defineConfigSlice } from '@latchkey/config';

/** The exchange's operator credential: the key of its admin API for OAuth applications. */
export const exchangeAdminConfig = defineConfigSlice('exchange-admin', {
  LATCHKEY_EXCHANGE_OPERATOR_KEY: envOperatorKey().describe(
    'The operator’s bearer key for the exchange’s admin API (`Authorization: Bearer <key>` on every /admin/v1 route: OAuth applications), at least 32 characters: the break-glass credential beside operators’ tokens (docs/RBAC.md “Operators”), for bootstrap and for an outage of the exchange. Generated under LATCHKEY_DATA_DIR when embedded. With DATABASE_URL and unset, only operators’ tokens open the admin API.',
  ),
});
