/**
 * Stable error codes, area plus reason (STYLE.md "Naming"). Domain errors
 * carry them (`LatchkeyError<Code>`), denial events carry them as `reason`,
 * and each transport maps them to wire codes in one exhaustive switch.
 * A code, once published, keeps its meaning; add codes, never rename them.
 */

/** Why the issuer refused to issue a limited access token. */
export const ISSUER_ERROR_CODES = [
  'ISSUER.KEY_MISSING',
  'ISSUER.KEY_INVALID',
  'ISSUER.ISV_NOT_APPROVED',
  'ISSUER.ISV_REVOKED',
  'ISSUER.CLIENT_BLOCKED',
  'ISSUER.CLIENT_KEY_NOT_ISV',
  'ISSUER.FEATURE_NOT_GRANTED',
  'ISSUER.FEATURE_UNKNOWN',
  'ISSUER.RESOURCE_ID_INVALID',
  'ISSUER.LIFETIME_INVALID',
  'ISSUER.BODY_INVALID',
  'ISSUER.QUERY_INVALID',
  'ISSUER.RATE_LIMITED',
  'ISSUER.KEY_WITHOUT_RESOURCE',
  'ISSUER.DPOP_PROOF_INVALID',
  'ISSUER.DPOP_PROOF_REQUIRED',
] as const;
/** One of {@link ISSUER_ERROR_CODES}. */
export type IssuerErrorCode = (typeof ISSUER_ERROR_CODES)[number];
/** The `reason` of a `lat.issue-denied` event. */
export type IssuerDenialReason = IssuerErrorCode;

/** Why the issuer refused an operator's change to an ISV or its keys, or the operator's credential. */
export const ISSUER_ADMIN_ERROR_CODES = [
  'ISSUER.ADMIN_REQUEST_INVALID',
  'ISSUER.ADMIN_ISV_NOT_FOUND',
  'ISSUER.ADMIN_ISV_EXISTS',
  'ISSUER.ADMIN_UNAUTHENTICATED',
  'ISSUER.ADMIN_CREDENTIAL_INVALID',
  'ISSUER.ADMIN_API_DISABLED',
  'ISSUER.ADMIN_SIGNING_KEY_NOT_FOUND',
  'ISSUER.ADMIN_KEY_RING_BUSY',
] as const;
/** One of {@link ISSUER_ADMIN_ERROR_CODES}. */
export type IssuerAdminErrorCode = (typeof ISSUER_ADMIN_ERROR_CODES)[number];

/** Why a resource server refused a limited access token. */
export const LAT_ERROR_CODES = [
  'LAT.MISSING',
  'LAT.HEADER_INVALID',
  'LAT.MALFORMED',
  'LAT.TOO_LARGE',
  'LAT.BAD_SIGNATURE',
  'LAT.UNKNOWN_KEY',
  'LAT.CLAIMS_INVALID',
  'LAT.EXPIRED',
  'LAT.NOT_YET_VALID',
  'LAT.WRONG_TYPE',
  'LAT.WRONG_ISSUER',
  'LAT.WRONG_RESOURCE',
  'LAT.FEATURE_MISSING',
  'LAT.REVOKED',
  'LAT.REPLAYED',
  'LAT.DPOP_INVALID',
  'LAT.AUDIT_UNAVAILABLE',
  // The verifier cannot decide safely (its fault, not the token's): 503, never a pass.
  'LAT.KEYS_UNAVAILABLE',
  'LAT.REVOCATION_STALE',
] as const;
/** One of {@link LAT_ERROR_CODES}. */
export type LatErrorCode = (typeof LAT_ERROR_CODES)[number];
/** The `reason` of a `lat.rejected` event. */
export type LatRejectionReason = LatErrorCode;

/**
 * Why the face-api (the reference resource server) refused a request before
 * or apart from its token: the client resource's key, the vendor's request
 * validation, and lookups in its gallery. The token's own refusals are LAT codes.
 */
export const FACE_ERROR_CODES = [
  'FACE.KEY_MISSING',
  'FACE.KEY_INVALID',
  'FACE.BODY_INVALID',
  'FACE.IMAGE_URL_INVALID',
  'FACE.FACE_ID_INVALID',
  'FACE.FACE_IDS_LENGTH_INVALID',
  'FACE.PERSON_ID_INVALID',
  'FACE.PERSON_GROUP_ID_INVALID',
  'FACE.LARGE_PERSON_GROUP_ID_INVALID',
  'FACE.PERSON_GROUP_IDS_BOTH_SET',
  'FACE.PERSON_GROUP_IDS_BOTH_MISSING',
  'FACE.MAX_CANDIDATES_INVALID',
  'FACE.CONFIDENCE_THRESHOLD_INVALID',
  'FACE.MODE_INVALID',
  'FACE.FACE_LIST_ID_INVALID',
  'FACE.LARGE_FACE_LIST_ID_INVALID',
  'FACE.CANDIDATE_SOURCES_SEVERAL',
  'FACE.CANDIDATE_SOURCES_MISSING',
  'FACE.FACE_NOT_FOUND',
  'FACE.VERIFY_FACE_NOT_FOUND',
  'FACE.PERSON_GROUP_NOT_FOUND',
  'FACE.LARGE_PERSON_GROUP_NOT_FOUND',
  'FACE.PERSON_NOT_FOUND',
  'FACE.FACE_LIST_NOT_FOUND',
  'FACE.LARGE_FACE_LIST_NOT_FOUND',
] as const;
/** One of {@link FACE_ERROR_CODES}. */
export type FaceErrorCode = (typeof FACE_ERROR_CODES)[number];

/** Why the face-api refused an operator's change to its client resources, or the operator's credential. */
export const FACE_ADMIN_ERROR_CODES = [
  'FACE.ADMIN_REQUEST_INVALID',
  'FACE.ADMIN_UNAUTHENTICATED',
  'FACE.ADMIN_CREDENTIAL_INVALID',
  'FACE.ADMIN_API_DISABLED',
  'FACE.ADMIN_RESOURCE_NOT_FOUND',
  'FACE.ADMIN_RESOURCE_EXISTS',
] as const;
/** One of {@link FACE_ADMIN_ERROR_CODES}. */
export type FaceAdminErrorCode = (typeof FACE_ADMIN_ERROR_CODES)[number];

/** Why the exchange refused to exchange an external token. */
export const EXCHANGE_ERROR_CODES = [
  'EXCHANGE.REQUEST_INVALID',
  'EXCHANGE.TOKEN_MISSING',
  'EXCHANGE.TOKEN_MALFORMED',
  'EXCHANGE.ISSUER_UNTRUSTED',
  'EXCHANGE.TENANT_UNTRUSTED',
  'EXCHANGE.BAD_SIGNATURE',
  'EXCHANGE.SIGNING_KEY_UNKNOWN',
  'EXCHANGE.JWKS_UNAVAILABLE',
  'EXCHANGE.EXPIRED',
  'EXCHANGE.NOT_YET_VALID',
  'EXCHANGE.WRONG_AUDIENCE',
  'EXCHANGE.NOT_ACCESS_TOKEN',
  'EXCHANGE.CLIENT_UNKNOWN',
  'EXCHANGE.CLIENT_DISABLED',
  'EXCHANGE.SCOPE_NOT_ALLOWED',
  'EXCHANGE.REVOKED',
] as const;
/** One of {@link EXCHANGE_ERROR_CODES}. */
export type ExchangeErrorCode = (typeof EXCHANGE_ERROR_CODES)[number];
/** The `reason` of an `exchange.denied` event. */
export type ExchangeDenialReason = ExchangeErrorCode;

/** Why an authorization decision, or a policy change, was refused. */
export const RBAC_ERROR_CODES = [
  'RBAC.TOKEN_MISSING',
  'RBAC.TOKEN_INVALID',
  'RBAC.SCOPE_MISSING',
  'RBAC.PERMISSION_DENIED',
  'RBAC.ENDPOINT_UNREGISTERED',
  'RBAC.SUBJECT_UNKNOWN',
  'RBAC.ROLE_NOT_FOUND',
  'RBAC.PERMISSION_NOT_FOUND',
  'RBAC.DECISION_UNAVAILABLE',
] as const;
/** One of {@link RBAC_ERROR_CODES}. */
export type RbacErrorCode = (typeof RBAC_ERROR_CODES)[number];
/** The `reason` of an `rbac.denied` event. */
export type RbacDenialReason = RbacErrorCode;

/** Why a consumer could not accept an event; the reason it is dead-lettered with. */
export const EVENT_ERROR_CODES = ['EVENT.ENVELOPE_INVALID', 'EVENT.UNKNOWN_TYPE', 'EVENT.DATA_INVALID'] as const;
/** One of {@link EVENT_ERROR_CODES}. */
export type EventErrorCode = (typeof EVENT_ERROR_CODES)[number];

/** Every known error code. */
export const ALL_ERROR_CODES = [
  ...ISSUER_ERROR_CODES,
  ...ISSUER_ADMIN_ERROR_CODES,
  ...LAT_ERROR_CODES,
  ...FACE_ERROR_CODES,
  ...FACE_ADMIN_ERROR_CODES,
  ...EXCHANGE_ERROR_CODES,
  ...RBAC_ERROR_CODES,
  ...EVENT_ERROR_CODES,
] as const;
/** Any known error code. */
export type ErrorCode = (typeof ALL_ERROR_CODES)[number];

/**
 * Narrows a string (e.g. an event's `reason`, which may come from a newer
 * producer) to one of `codes`, so it can be switched on exhaustively.
 */
export function isErrorCodeOf<const C extends string>(codes: readonly C[], value: string): value is C {
  return (codes as readonly string[]).includes(value);
}
