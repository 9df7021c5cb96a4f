import type { AbuseIsvErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/**
 * How a refused ISV call to the cases API looks on the wire (Azure-style,
 * like the issuer the ISV already talks to and the audit feed): 401 for a
 * token that opens nothing here (get a new one from the issuer), 403 for a
 * good token aimed at another ISV's cases, 503 when the detector cannot
 * check tokens at all (never a pass). Typed over AbuseIsvErrorCode: a new
 * code without a row does not compile.
 */
export const ISV_CASES_AUTH_WIRE_ERRORS: ErrorMappingTable<AbuseIsvErrorCode> = {
  'ABUSE.ISV_TOKEN_MISSING': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'CasesTokenMissing' },
  'ABUSE.ISV_TOKEN_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'CasesTokenInvalid' },
  'ABUSE.ISV_TOKEN_EXPIRED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'CasesTokenExpired' },
  'ABUSE.ISV_TOKEN_WRONG_TYPE': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'CasesTokenTypeInvalid' },
  'ABUSE.ISV_FOREIGN_ISV': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'CasesOfAnotherIsv' },
  'ABUSE.ISV_KEYS_UNAVAILABLE': { status: 503, azureCode: 'ServiceUnavailable', azureInnerCode: 'IssuerKeysUnavailable' },
};
