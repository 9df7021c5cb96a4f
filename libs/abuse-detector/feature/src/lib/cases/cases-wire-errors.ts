import type { AbuseCaseErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/**
 * How refusals about cases and ISV webhooks look on the wire: the platform's
 * Azure shape, one `innererror.code` per rule. A case of another ISV is
 * CaseNotFound, like a case that does not exist. docs/ABUSE.md lists the
 * same table.
 */
export const CASES_WIRE_ERRORS: ErrorMappingTable<AbuseCaseErrorCode> = {
  'ABUSE.CASE_REQUEST_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidCaseRequest' },
  'ABUSE.CASE_NOT_FOUND': { status: 404, azureCode: 'NotFound', azureInnerCode: 'CaseNotFound', message: 'Resource not found.' },
  'ABUSE.CASE_ENDED': { status: 409, azureCode: 'Conflict', azureInnerCode: 'CaseEnded' },
  'ABUSE.WEBHOOK_NOT_FOUND': { status: 404, azureCode: 'NotFound', azureInnerCode: 'WebhookNotFound', message: 'Resource not found.' },
};
