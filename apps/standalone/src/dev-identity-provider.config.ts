import { defineConfigSlice, envBoolean, envPort } from '@latchkey/config';

/**
 * The standalone launcher's development identity provider (docs/EXCHANGE.md "Development identity provider").
 * Read by `npm start` only: no service's own entry point knows these variables.
 */
export const devIdentityProviderConfig = defineConfigSlice('standalone-dev-idp', {
  LATCHKEY_STANDALONE_DEV_IDP: envBoolean()
    .default(true)
    .describe(
      '`npm start` only: run a DEVELOPMENT IDENTITY PROVIDER (not Microsoft Entra ID, for local use only) on 127.0.0.1 that mints Entra-shaped access tokens for a demo user of a fixed demo tenant, and set the exchange’s `LATCHKEY_EXCHANGE_ENTRA_TENANTS` and `LATCHKEY_EXCHANGE_ENTRA_AUDIENCES` (each only when unset) so that it trusts those tokens. `false`: no such provider, nothing set.',
    ),
  LATCHKEY_STANDALONE_DEV_IDP_PORT: envPort()
    .default(3007)
    .describe('`npm start` only: port on 127.0.0.1 of the development identity provider’s token endpoint (`POST /dev-idp/token`; 0: any free port).'),
});
