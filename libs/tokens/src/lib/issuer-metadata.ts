import { ACCESS_TOKEN_TYP, LAT_TYP } from '@latchkey/contracts';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-algorithm';
import { TokenError } from './token-error';

/**
 * The issuer's discovery document, served at
 * `/.well-known/openid-configuration` (and fit for RFC 8414's
 * `/.well-known/oauth-authorization-server`). Deliberately small:
 *
 * - `issuer`, `jwks_uri`: RFC 8414 §2 / OpenID Discovery §3, what
 *   verifiers need to pin `iss` and find the keys.
 * - `token_signing_alg_values_supported`: the algorithms of the tokens
 *   this issuer signs. Not `id_token_signing_alg_values_supported`: we
 *   issue no ID tokens, and claiming to would invite OIDC clients. No
 *   registered name covers access tokens, so this follows the registry's
 *   `<thing>_signing_alg_values_supported` pattern, as RFC 8414 §2 allows
 *   for additional metadata.
 * - `token_types_supported`: the `typ` values it mints, so a verifier can
 *   see that a LAT and an access token are distinct profiles.
 */
export type IssuerMetadata = {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly token_signing_alg_values_supported: readonly SigningAlgorithm[];
  readonly token_types_supported: readonly string[];
};

/**
 * The discovery document of an issuer. `issuer` must be the exact `iss`
 * of its tokens: an http(s) URL without query or fragment (RFC 8414 §2).
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` for an issuer or JWKS URI that is not such a URL.
 */
export function issuerMetadata(input: { readonly issuer: string; readonly jwksUri: string }): IssuerMetadata {
  assertHttpUrl('issuer', input.issuer, { noQuery: true });
  assertHttpUrl('jwksUri', input.jwksUri, { noQuery: false });
  return {
    issuer: input.issuer,
    jwks_uri: input.jwksUri,
    token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
    token_types_supported: [LAT_TYP, ACCESS_TOKEN_TYP],
  };
}

function assertHttpUrl(name: string, value: string, rules: { noQuery: boolean }): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new TokenError('TOKENS.INPUT_INVALID', `${name} is not an absolute URL`, {}, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TokenError('TOKENS.INPUT_INVALID', `${name} must be an http(s) URL`);
  }
  if (url.hash !== '' || value.includes('#') || (rules.noQuery && (url.search !== '' || value.includes('?')))) {
    throw new TokenError('TOKENS.INPUT_INVALID', `${name} must not have a ${rules.noQuery ? 'query or ' : ''}fragment`);
  }
}
