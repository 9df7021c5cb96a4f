import type { LatErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/**
 * How a refused gated request looks on the wire, in the vendor's Face error
 * shape. A missing token or a missing feature is the vendor's own 403
 * `UnsupportedFeature` (what an unapproved resource gets today), so existing
 * client handling keeps working; a token that does not verify is a 401
 * (present it again after getting a new one); a token for another resource
 * is a 403. When the verifier itself cannot decide safely (keys, revocation
 * state, recording the use) the answer is 503 with Retry-After, never a pass.
 * Each rule has its own `innererror.code`. Typed over LatErrorCode: a new
 * code without a row does not compile. docs/FACE-API.md lists the same table.
 */
export const LAT_WIRE_ERRORS: ErrorMappingTable<LatErrorCode> = {
  'LAT.MISSING': { status: 403, azureCode: 'UnsupportedFeature', azureInnerCode: 'LimitedAccessTokenMissing' },
  'LAT.FEATURE_MISSING': { status: 403, azureCode: 'UnsupportedFeature', azureInnerCode: 'FeatureNotInToken' },
  'LAT.WRONG_RESOURCE': { status: 403, azureCode: 'PermissionDenied', azureInnerCode: 'TokenForAnotherResource' },
  'LAT.HEADER_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'LimitedAccessTokenHeaderInvalid' },
  'LAT.MALFORMED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenMalformed' },
  'LAT.TOO_LARGE': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenTooLarge' },
  'LAT.BAD_SIGNATURE': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenSignatureInvalid' },
  'LAT.UNKNOWN_KEY': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenSigningKeyUnknown' },
  'LAT.CLAIMS_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenClaimsInvalid' },
  'LAT.EXPIRED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenExpired' },
  'LAT.NOT_YET_VALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenNotYetValid' },
  'LAT.WRONG_TYPE': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenTypeInvalid' },
  'LAT.WRONG_ISSUER': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenIssuerInvalid' },
  'LAT.REVOKED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'TokenRevoked' },
  'LAT.DPOP_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'DpopProofInvalid' },
  'LAT.REPLAYED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'DpopProofReplayed' },
  'LAT.AUDIT_UNAVAILABLE': { status: 503, azureCode: 'ServiceUnavailable', azureInnerCode: 'UseNotRecordable' },
  'LAT.KEYS_UNAVAILABLE': { status: 503, azureCode: 'ServiceUnavailable', azureInnerCode: 'SigningKeysUnavailable' },
  'LAT.REVOCATION_STALE': { status: 503, azureCode: 'ServiceUnavailable', azureInnerCode: 'RevocationStateStale' },
};

/** Codes answered 503: the caller should retry after a moment (Retry-After). */
export const LAT_RETRYABLE: ReadonlySet<LatErrorCode> = new Set(['LAT.AUDIT_UNAVAILABLE', 'LAT.KEYS_UNAVAILABLE', 'LAT.REVOCATION_STALE']);
