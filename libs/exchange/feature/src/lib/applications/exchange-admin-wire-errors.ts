import type { ExchangeAdminErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/** One public message for every 401, so the answer never says more than the inner code. */
const UNAUTHORIZED = 'Access denied due to missing or invalid operator credentials.';

/**
 * How the exchange's admin API refusals look on the wire: the platform's
 * Azure shape, like the other services' admin APIs, one stable
 * `innererror.code` per rule; a 400's message names the field, never its
 * value, except ScopeNotDeclared's: it names the unknown scopes that are
 * short and not credential-shaped, and the known ones (configuration).
 * Typed over ExchangeAdminErrorCode: a new code without a row does not
 * compile. docs/EXCHANGE.md lists the same table.
 */
export const EXCHANGE_ADMIN_WIRE_ERRORS: ErrorMappingTable<ExchangeAdminErrorCode> = {
  'EXCHANGE.ADMIN_REQUEST_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidAdminRequest' },
  'EXCHANGE.ADMIN_UNAUTHENTICATED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialMissing', message: UNAUTHORIZED },
  'EXCHANGE.ADMIN_CREDENTIAL_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialInvalid', message: UNAUTHORIZED },
  'EXCHANGE.ADMIN_API_DISABLED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AdminApiDisabled', message: UNAUTHORIZED },
  'EXCHANGE.ADMIN_APPLICATION_NOT_FOUND': {
    status: 404,
    azureCode: 'NotFound',
    azureInnerCode: 'OAuthApplicationNotFound',
    message: 'Resource not found.',
  },
  'EXCHANGE.ADMIN_APPLICATION_EXISTS': { status: 409, azureCode: 'Conflict', azureInnerCode: 'OAuthApplicationExists' },
  'EXCHANGE.ADMIN_SCOPE_UNKNOWN': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'ScopeNotDeclared' },
};
