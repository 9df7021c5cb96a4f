import { DEFAULT_ADMIN_AUDIENCE } from '@latchkey/contracts';
import { defineConfigSlice, envString, envUrl } from '@latchkey/config';

/** How the exchange signs and names its internal access tokens (docs/EXCHANGE.md). */
export const exchangeTokensConfig = defineConfigSlice('exchange-tokens', {
  LATCHKEY_EXCHANGE_URL: envUrl(['http:', 'https:'])
    .default('http://127.0.0.1:3003')
    .describe(
      'The `iss` of every internal access token the exchange signs, and the base of its metadata: keys at `<url>/.well-known/jwks.json`, the token endpoint at `<url>/oauth2/token`.',
    ),
  LATCHKEY_EXCHANGE_ADMIN_AUDIENCE: envString()
    .max(256)
    .default(DEFAULT_ADMIN_AUDIENCE)
    .describe(
      'The audience of tokens for the platform’s admin APIs (the services’ LATCHKEY_RBAC_ADMIN_AUDIENCE): `POST /oauth2/token` mints for it besides the gateway’s upstream APIs, with the scope `latchkey.admin` and no other (a request naming another scope for it is `invalid_target`). No upstream API may have this audience. Which operator may do what is then up to the `latchkey.admin` scope of the OAuth application and the person’s roles.',
    ),
  LATCHKEY_EXCHANGE_SIGNING_KEY: envString()
    .optional()
    .describe(
      'The private JWK (JSON) the exchange signs internal access tokens with; separate from the issuer’s keys. Generated under LATCHKEY_DATA_DIR when embedded; required with DATABASE_URL (every replica must sign with the same key).',
    ),
});
