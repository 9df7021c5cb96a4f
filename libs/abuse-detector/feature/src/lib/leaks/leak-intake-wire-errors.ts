import type { AbuseLeakErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/**
 * How refusals of the leaked-token intake (POST /abuse/v1/leaked-tokens) look
 * on the wire: the platform's Azure shape, one stable `innererror.code` per
 * reason, so a reporter's operator can tell a key rotation they missed
 * (LeakReporterKeyUnknown) from a broken signer (LeakReportSignatureInvalid).
 * Key identifiers are public, so naming the reason gives nothing away. Typed
 * over AbuseLeakErrorCode: a new code without a row does not compile.
 * docs/ABUSE.md lists the same table.
 */
export const LEAK_INTAKE_WIRE_ERRORS: ErrorMappingTable<AbuseLeakErrorCode> = {
  'ABUSE.LEAK_REPORT_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidLeakReport' },
  'ABUSE.LEAK_REPORT_TOO_LARGE': { status: 413, azureCode: 'BadArgument', azureInnerCode: 'LeakReportTooLarge' },
  'ABUSE.LEAK_SIGNATURE_MISSING': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'LeakReportSignatureMissing' },
  'ABUSE.LEAK_SIGNATURE_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'LeakReportSignatureInvalid' },
  'ABUSE.LEAK_KEY_UNKNOWN': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'LeakReporterKeyUnknown' },
  'ABUSE.LEAK_INTAKE_DISABLED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'LeakIntakeDisabled' },
  'ABUSE.LEAK_VERIFICATION_UNAVAILABLE': { status: 503, azureCode: 'ServiceUnavailable', azureInnerCode: 'LeakVerificationUnavailable' },
};
