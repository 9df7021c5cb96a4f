import type { AuditAdminErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/** One public message for every 401, so the answer never says more than the inner code. */
const UNAUTHORIZED = 'Access denied due to missing or invalid operator credentials.';

/**
 * How the audit query API's refusals look on the wire: the platform's Azure
 * shape, like the issuer's admin API, one stable `innererror.code` per rule;
 * a 400's message names the parameter (never echoes its value). Typed over
 * AuditAdminErrorCode: a new code without a row does not compile.
 * docs/AUDIT.md lists the same table.
 */
export const AUDIT_ADMIN_WIRE_ERRORS: ErrorMappingTable<AuditAdminErrorCode> = {
  'AUDIT.ADMIN_UNAUTHENTICATED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialMissing', message: UNAUTHORIZED },
  'AUDIT.ADMIN_CREDENTIAL_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialInvalid', message: UNAUTHORIZED },
  'AUDIT.ADMIN_API_DISABLED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AdminApiDisabled', message: UNAUTHORIZED },
  'AUDIT.QUERY_PARAMETER_UNKNOWN': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'UnknownQueryParameter' },
  'AUDIT.QUERY_PARAMETER_REPEATED': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'RepeatedQueryParameter' },
  'AUDIT.QUERY_PARAMETER_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidQueryParameter' },
  'AUDIT.QUERY_EVENT_TYPE_UNKNOWN': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'UnknownEventType' },
  'AUDIT.QUERY_CURSOR_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidCursor' },
  'AUDIT.QUERY_RANGE_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidRange' },
};
