import type { RbacGuardErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/**
 * How a refusal of the RBAC guard looks on the wire (the platform's Azure
 * error shape). No token or one that does not verify is a 401 (the guard
 * adds `WWW-Authenticate`); a good token without the scope or the
 * permission is a 403 whose message names what is missing; when the guard
 * cannot decide safely (the exchange's keys, the decision API, a stale
 * change feed) the answer is 503 with Retry-After, never a pass. Typed over
 * RbacGuardErrorCode: a new code without a row does not compile.
 */
export const RBAC_WIRE_ERRORS: ErrorMappingTable<RbacGuardErrorCode> = {
  'RBAC.TOKEN_MISSING': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AccessTokenMissing' },
  'RBAC.TOKEN_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AccessTokenInvalid' },
  'RBAC.TOKEN_EXPIRED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AccessTokenExpired' },
  'RBAC.TOKEN_REVOKED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AccessTokenRevoked' },
  'RBAC.SCOPE_MISSING': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'ScopeMissing' },
  'RBAC.PERMISSION_DENIED': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'PermissionMissing' },
  'RBAC.DECISION_UNAVAILABLE': { status: 503, azureCode: 'ServiceUnavailable', azureInnerCode: 'AuthorizationUnavailable' },
  'RBAC.KEYS_UNAVAILABLE': { status: 503, azureCode: 'ServiceUnavailable', azureInnerCode: 'SigningKeysUnavailable' },
};

/** Codes answered 503: the caller should retry after a moment (Retry-After). */
export const RBAC_RETRYABLE: ReadonlySet<RbacGuardErrorCode> = new Set(['RBAC.DECISION_UNAVAILABLE', 'RBAC.KEYS_UNAVAILABLE']);
