import type { ExchangeErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/**
 * How exchange refusals look on the wire. One table serves both surfaces:
 * `POST /oauth2/token` answers RFC 6749 bodies (`oauthError`; a bad subject
 * token is `invalid_request`, as RFC 8693 §2.2.2 says), the gateway the
 * platform's Azure shape (`azureCode` / `azureInnerCode`). `status` is the
 * gateway's: a token problem 401, an application's policy 403, the identity
 * provider out of reach 503. The token endpoint derives its status from
 * `oauthError` instead (RFC 6749 §5.2: 400 for all but `invalid_client`'s
 * 401; libs/http's oauthStatus). docs/EXCHANGE.md lists the same table.
 */
export const EXCHANGE_WIRE_ERRORS: ErrorMappingTable<ExchangeErrorCode> = {
  'EXCHANGE.REQUEST_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidExchangeRequest', oauthError: 'invalid_request' },
  'EXCHANGE.TOKEN_MISSING': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenMissing', oauthError: 'invalid_request' },
  'EXCHANGE.TOKEN_MALFORMED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenMalformed', oauthError: 'invalid_request' },
  'EXCHANGE.TOKEN_TOO_LARGE': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenTooLarge', oauthError: 'invalid_request' },
  'EXCHANGE.CLAIMS_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenClaimsInvalid', oauthError: 'invalid_request' },
  'EXCHANGE.ISSUER_UNTRUSTED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'IssuerUntrusted', oauthError: 'invalid_request' },
  'EXCHANGE.TENANT_UNTRUSTED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TenantUntrusted', oauthError: 'invalid_request' },
  'EXCHANGE.BAD_SIGNATURE': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'BadSignature', oauthError: 'invalid_request' },
  'EXCHANGE.SIGNING_KEY_UNKNOWN': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'SigningKeyUnknown', oauthError: 'invalid_request' },
  'EXCHANGE.JWKS_UNAVAILABLE': {
    status: 503,
    azureCode: 'ServiceUnavailable',
    azureInnerCode: 'IdentityProviderUnavailable',
    oauthError: 'temporarily_unavailable',
  },
  'EXCHANGE.EXPIRED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenExpired', oauthError: 'invalid_request' },
  'EXCHANGE.NOT_YET_VALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenNotYetValid', oauthError: 'invalid_request' },
  'EXCHANGE.WRONG_AUDIENCE': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenForAnotherAudience', oauthError: 'invalid_request' },
  'EXCHANGE.NOT_ACCESS_TOKEN': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'NotAnAccessToken', oauthError: 'invalid_request' },
  'EXCHANGE.CLIENT_UNKNOWN': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'ClientUnknown', oauthError: 'invalid_client' },
  'EXCHANGE.CLIENT_DISABLED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'ClientDisabled', oauthError: 'invalid_client' },
  'EXCHANGE.SCOPE_NOT_ALLOWED': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'ScopeNotAllowed', oauthError: 'invalid_scope' },
  'EXCHANGE.REVOKED': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'AccessRevoked', oauthError: 'invalid_request' },
  'EXCHANGE.SOURCE_TENANT_NOT_ALLOWED': {
    status: 403,
    azureCode: 'Forbidden',
    azureInnerCode: 'SourceTenantNotAllowed',
    oauthError: 'invalid_request',
  },
  'EXCHANGE.SOURCE_APP_NOT_ALLOWED': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'SourceAppNotAllowed', oauthError: 'invalid_request' },
  'EXCHANGE.APP_ONLY_NOT_ALLOWED': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'AppOnlyNotAllowed', oauthError: 'invalid_request' },
  'EXCHANGE.CLIENT_MISMATCH': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'ClientMismatch', oauthError: 'unauthorized_client' },
  'EXCHANGE.PROVISIONING_DENIED': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'ProvisioningDenied', oauthError: 'invalid_request' },
  'EXCHANGE.PERSON_UNKNOWN': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'PersonUnknown', oauthError: 'invalid_request' },
  // At /oauth2/token: an audience the exchange does not mint for, or a scope that does not belong to the audience (RFC 8693
  // §2.2.2). The gateway's audience is always its API's, so there it can only be the scope: hence the inner code.
  'EXCHANGE.TARGET_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'ScopeNotForAudience', oauthError: 'invalid_target' },
  'EXCHANGE.API_UNKNOWN': { status: 404, azureCode: 'NotFound', azureInnerCode: 'ApiUnknown', message: 'Resource not found.' },
  'EXCHANGE.UPSTREAM_FAILED': { status: 502, azureCode: 'BadGateway', azureInnerCode: 'UpstreamFailed' },
};
