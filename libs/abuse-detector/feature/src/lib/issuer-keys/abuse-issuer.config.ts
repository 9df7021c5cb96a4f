import { defineConfigSlice, envUrl } from '@latchkey/config';

/**
 * Whose tokens the abuse detector trusts and recognises: the issuer and its
 * JWKS, for the leaked-token intake (limited access tokens) and the ISV
 * cases API (cases tokens) alike.
 */
export const abuseIssuerConfig = defineConfigSlice('abuse-issuer', {
  LATCHKEY_ABUSE_ISSUER: envUrl(['http:', 'https:'])
    .default('http://127.0.0.1:3001')
    .describe(
      'The issuer’s LATCHKEY_ISSUER_URL: the `iss` of the limited access tokens the leaked-token intake recognises as ours and of the cases tokens ISVs call the cases API with.',
    ),
  LATCHKEY_ABUSE_ISSUER_JWKS_URL: envUrl(['http:', 'https:'])
    .optional()
    .describe(
      'Where the issuer publishes its signing keys, to verify reported tokens and cases tokens. Default: LATCHKEY_ABUSE_ISSUER + `/.well-known/jwks.json`.',
    ),
});
