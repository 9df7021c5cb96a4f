import { issuerMetadata, type IssuerMetadata } from '@latchkey/tokens';
import { TOKEN_EXCHANGE_GRANT } from '../oauth/token-exchange-request';

/** The exchange's RFC 8414 authorization server metadata: what an API needs to verify its tokens offline, and a client to call it. */
export type ExchangeMetadata = IssuerMetadata & {
  readonly token_endpoint: string;
  readonly grant_types_supported: readonly string[];
  readonly token_endpoint_auth_methods_supported: readonly string[];
};

/** The metadata of the exchange whose `iss` is `issuer`. */
export function exchangeMetadata(issuer: string): ExchangeMetadata {
  const base = issuer.replace(/\/+$/, '');
  return {
    ...issuerMetadata({ issuer, jwksUri: `${base}/.well-known/jwks.json` }),
    token_endpoint: `${base}/oauth2/token`,
    grant_types_supported: [TOKEN_EXCHANGE_GRANT],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
  };
}
