import type { AbuseAdminErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/** One public message for every 401, so the answer never says more than the inner code. */
const UNAUTHORIZED = 'Access denied due to missing or invalid operator credentials.';

/**
 * How the abuse detector's admin API refusals look on the wire: the
 * platform's Azure shape, like the issuer's and the audit's admin APIs, one
 * stable `innererror.code` per rule; a 400's message names the field, never
 * its value. Typed over AbuseAdminErrorCode: a new code without a row does
 * not compile. docs/ABUSE.md lists the same table.
 */
export const ABUSE_ADMIN_WIRE_ERRORS: ErrorMappingTable<AbuseAdminErrorCode> = {
  'ABUSE.ADMIN_REQUEST_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidAdminRequest' },
  'ABUSE.ADMIN_UNAUTHENTICATED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialMissing', message: UNAUTHORIZED },
  'ABUSE.ADMIN_CREDENTIAL_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialInvalid', message: UNAUTHORIZED },
  'ABUSE.ADMIN_API_DISABLED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AdminApiDisabled', message: UNAUTHORIZED },
  'ABUSE.ADMIN_ALERT_NOT_FOUND': { status: 404, azureCode: 'NotFound', azureInnerCode: 'AlertNotFound', message: 'Resource not found.' },
  'ABUSE.ADMIN_ALERT_NOT_OPEN': { status: 409, azureCode: 'Conflict', azureInnerCode: 'AlertNotOpen' },
  'ABUSE.ADMIN_NOT_REVOKED': { status: 409, azureCode: 'Conflict', azureInnerCode: 'SubjectNotRevoked' },
  'ABUSE.ADMIN_ALREADY_REVOKED': { status: 409, azureCode: 'Conflict', azureInnerCode: 'AlreadyRevokedForAlert' },
};
