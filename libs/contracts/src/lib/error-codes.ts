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
  'ISSUER.CLIENT_REVOKED',
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
  'EXCHANGE.TOKEN_TOO_LARGE',
  'EXCHANGE.CLAIMS_INVALID',
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
  // An OAuth application's own policy refused the principal (docs/EXCHANGE.md, "OAuth applications").
  'EXCHANGE.SOURCE_TENANT_NOT_ALLOWED',
  'EXCHANGE.SOURCE_APP_NOT_ALLOWED',
  'EXCHANGE.APP_ONLY_NOT_ALLOWED',
  'EXCHANGE.CLIENT_MISMATCH',
  'EXCHANGE.PROVISIONING_DENIED',
  'EXCHANGE.PERSON_UNKNOWN',
  // The surfaces: an audience the exchange does not mint for, or a scope that is not that audience's own (RFC 8693 invalid_target), a gateway API
  // that is not configured, an upstream that failed.
  'EXCHANGE.TARGET_INVALID',
  'EXCHANGE.API_UNKNOWN',
  'EXCHANGE.UPSTREAM_FAILED',
] as const;
/** One of {@link EXCHANGE_ERROR_CODES}. */
export type ExchangeErrorCode = (typeof EXCHANGE_ERROR_CODES)[number];
/** The `reason` of an `exchange.denied` event. */
export type ExchangeDenialReason = ExchangeErrorCode;

/**
 * Why the exchange refused an operator's change to its OAuth applications,
 * or the operator's credential (the three 401s).
 */
export const EXCHANGE_ADMIN_ERROR_CODES = [
  'EXCHANGE.ADMIN_REQUEST_INVALID',
  'EXCHANGE.ADMIN_UNAUTHENTICATED',
  'EXCHANGE.ADMIN_CREDENTIAL_INVALID',
  'EXCHANGE.ADMIN_API_DISABLED',
  'EXCHANGE.ADMIN_APPLICATION_NOT_FOUND',
  'EXCHANGE.ADMIN_APPLICATION_EXISTS',
  // An application's scope that no audience declares: no token could ever carry it.
  'EXCHANGE.ADMIN_SCOPE_UNKNOWN',
] as const;
/** One of {@link EXCHANGE_ADMIN_ERROR_CODES}. */
export type ExchangeAdminErrorCode = (typeof EXCHANGE_ADMIN_ERROR_CODES)[number];

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
  // The endpoint guard (libs/access-guards RbacGuard): an expired internal token, the exchange's keys out of reach (503, never a pass).
  'RBAC.TOKEN_EXPIRED',
  'RBAC.KEYS_UNAVAILABLE',
  // A token of a person, OAuth application or tenant revoked after it was minted (access.revocation).
  'RBAC.TOKEN_REVOKED',
] as const;
/** One of {@link RBAC_ERROR_CODES}. */
export type RbacErrorCode = (typeof RBAC_ERROR_CODES)[number];

/**
 * The codes the endpoint guard answers with (libs/access-guards
 * `RbacGuardModule` maps them to the wire, once per app); the rbac service's
 * own wire table maps the other RBAC codes and must leave these out.
 */
export const RBAC_GUARD_ERROR_CODES = [
  'RBAC.TOKEN_MISSING',
  'RBAC.TOKEN_INVALID',
  'RBAC.TOKEN_EXPIRED',
  'RBAC.TOKEN_REVOKED',
  'RBAC.SCOPE_MISSING',
  'RBAC.PERMISSION_DENIED',
  'RBAC.DECISION_UNAVAILABLE',
  'RBAC.KEYS_UNAVAILABLE',
] as const satisfies readonly RbacErrorCode[];
/** One of {@link RBAC_GUARD_ERROR_CODES}. */
export type RbacGuardErrorCode = (typeof RBAC_GUARD_ERROR_CODES)[number];
/** The `reason` of an `rbac.denied` event. */
export type RbacDenialReason = RbacErrorCode;

/**
 * Why the RBAC service refused an operator's or a service's request to its
 * operator-key routes (admin API, decision API, endpoint registry): the
 * credential (the three 401s), a request that is not exactly what the route
 * takes, a role, subject, permission or assignment that does not exist or
 * already exists, a role change that would make a cycle, a hierarchy too
 * deep, or delete a role another role includes, or a change that would leave
 * no one administering RBAC (the last administrator).
 */
export const RBAC_ADMIN_ERROR_CODES = [
  'RBAC.ADMIN_REQUEST_INVALID',
  'RBAC.ADMIN_UNAUTHENTICATED',
  'RBAC.ADMIN_CREDENTIAL_INVALID',
  'RBAC.ADMIN_API_DISABLED',
  'RBAC.ADMIN_PERMISSION_UNKNOWN',
  'RBAC.ADMIN_PERMISSION_EXISTS',
  'RBAC.ADMIN_ROLE_NOT_FOUND',
  'RBAC.ADMIN_ROLE_EXISTS',
  'RBAC.ADMIN_ROLE_CYCLE',
  'RBAC.ADMIN_ROLE_TOO_DEEP',
  'RBAC.ADMIN_ROLE_INCLUDED',
  'RBAC.ADMIN_SUBJECT_NOT_FOUND',
  'RBAC.ADMIN_SUBJECT_KIND_MISMATCH',
  'RBAC.ADMIN_ASSIGNMENT_NOT_FOUND',
  'RBAC.ADMIN_LAST_ADMINISTRATOR',
] as const;
/** One of {@link RBAC_ADMIN_ERROR_CODES}. */
export type RbacAdminErrorCode = (typeof RBAC_ADMIN_ERROR_CODES)[number];

/**
 * Why the audit service refused a request to an ISV's transparency feed:
 * no feed token, a token that does not verify (or is another profile, such
 * as a limited access token), a token of another ISV than the path names,
 * a bad filter or cursor, or the issuer's keys out of reach (503, never a pass).
 */
export const AUDIT_FEED_ERROR_CODES = [
  'AUDIT.FEED_TOKEN_MISSING',
  'AUDIT.FEED_TOKEN_INVALID',
  'AUDIT.FEED_TOKEN_EXPIRED',
  'AUDIT.FEED_TOKEN_WRONG_TYPE',
  'AUDIT.FEED_FOREIGN_ISV',
  'AUDIT.FEED_QUERY_INVALID',
  'AUDIT.FEED_KEYS_UNAVAILABLE',
] as const;
/** One of {@link AUDIT_FEED_ERROR_CODES}. */
export type AuditFeedErrorCode = (typeof AUDIT_FEED_ERROR_CODES)[number];

/**
 * Why the audit service refused an operator's query or export: the
 * operator's credential (the three 401s), or a query string that is not
 * exactly what the route takes (a parameter it does not know, one given
 * twice, a bad value, an unknown event type, a cursor it did not issue, an
 * empty or too long range).
 */
export const AUDIT_ADMIN_ERROR_CODES = [
  'AUDIT.ADMIN_UNAUTHENTICATED',
  'AUDIT.ADMIN_CREDENTIAL_INVALID',
  'AUDIT.ADMIN_API_DISABLED',
  'AUDIT.QUERY_PARAMETER_UNKNOWN',
  'AUDIT.QUERY_PARAMETER_REPEATED',
  'AUDIT.QUERY_PARAMETER_INVALID',
  'AUDIT.QUERY_EVENT_TYPE_UNKNOWN',
  'AUDIT.QUERY_CURSOR_INVALID',
  'AUDIT.QUERY_RANGE_INVALID',
] as const;
/** One of {@link AUDIT_ADMIN_ERROR_CODES}. */
export type AuditAdminErrorCode = (typeof AUDIT_ADMIN_ERROR_CODES)[number];

/**
 * Why the abuse detector refused an operator's request: the operator's
 * credential (the three 401s), a request that is not exactly what the
 * route takes, an alert that does not exist or is no longer open, or a
 * reinstatement of a subject that was never revoked, or a manual
 * revocation the alert it names already made.
 */
export const ABUSE_ADMIN_ERROR_CODES = [
  'ABUSE.ADMIN_REQUEST_INVALID',
  'ABUSE.ADMIN_UNAUTHENTICATED',
  'ABUSE.ADMIN_CREDENTIAL_INVALID',
  'ABUSE.ADMIN_API_DISABLED',
  'ABUSE.ADMIN_ALERT_NOT_FOUND',
  'ABUSE.ADMIN_ALERT_NOT_OPEN',
  'ABUSE.ADMIN_NOT_REVOKED',
  'ABUSE.ADMIN_ALREADY_REVOKED',
] as const;
/** One of {@link ABUSE_ADMIN_ERROR_CODES}. */
export type AbuseAdminErrorCode = (typeof ABUSE_ADMIN_ERROR_CODES)[number];

/**
 * Why the abuse detector refused a leaked-token report (the secret scanning
 * partner format, docs/ABUSE.md "Leaked-token intake"): a body that is not
 * the format or too large, a signature missing, not verifying or naming an
 * unknown key, the intake not configured, or the reporter's keys or the
 * issuer's JWKS unreachable (the report is then retried, never answered
 * false positive).
 */
export const ABUSE_LEAK_ERROR_CODES = [
  'ABUSE.LEAK_REPORT_INVALID',
  'ABUSE.LEAK_REPORT_TOO_LARGE',
  'ABUSE.LEAK_SIGNATURE_MISSING',
  'ABUSE.LEAK_SIGNATURE_INVALID',
  'ABUSE.LEAK_KEY_UNKNOWN',
  'ABUSE.LEAK_INTAKE_DISABLED',
  'ABUSE.LEAK_VERIFICATION_UNAVAILABLE',
] as const;
/** One of {@link ABUSE_LEAK_ERROR_CODES}. */
export type AbuseLeakErrorCode = (typeof ABUSE_LEAK_ERROR_CODES)[number];

/**
 * Why the abuse detector refused an ISV's call to its cases API (the
 * issuer's cases token, docs/ABUSE.md): no token, one that does not verify,
 * has expired or is another kind (such as an audit feed token), a token of
 * another ISV than the path names, or the issuer's keys out of reach (503,
 * never a pass).
 */
export const ABUSE_ISV_ERROR_CODES = [
  'ABUSE.ISV_TOKEN_MISSING',
  'ABUSE.ISV_TOKEN_INVALID',
  'ABUSE.ISV_TOKEN_EXPIRED',
  'ABUSE.ISV_TOKEN_WRONG_TYPE',
  'ABUSE.ISV_FOREIGN_ISV',
  'ABUSE.ISV_KEYS_UNAVAILABLE',
] as const;
/** One of {@link ABUSE_ISV_ERROR_CODES}. */
export type AbuseIsvErrorCode = (typeof ABUSE_ISV_ERROR_CODES)[number];

/**
 * Why the abuse detector refused a request about a case (docs/ABUSE.md
 * "Cases"), from an ISV or an operator: a request that is not exactly what
 * the route takes, a case that does not exist (or belongs to another ISV:
 * the same answer), a case that has ended and takes no more answers, or an
 * ISV without a webhook.
 */
export const ABUSE_CASE_ERROR_CODES = ['ABUSE.CASE_REQUEST_INVALID', 'ABUSE.CASE_NOT_FOUND', 'ABUSE.CASE_ENDED', 'ABUSE.WEBHOOK_NOT_FOUND'] as const;
/** One of {@link ABUSE_CASE_ERROR_CODES}. */
export type AbuseCaseErrorCode = (typeof ABUSE_CASE_ERROR_CODES)[number];

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
  ...EXCHANGE_ADMIN_ERROR_CODES,
  ...RBAC_ERROR_CODES,
  ...RBAC_ADMIN_ERROR_CODES,
  ...AUDIT_FEED_ERROR_CODES,
  ...AUDIT_ADMIN_ERROR_CODES,
  ...ABUSE_ADMIN_ERROR_CODES,
  ...ABUSE_LEAK_ERROR_CODES,
  ...ABUSE_ISV_ERROR_CODES,
  ...ABUSE_CASE_ERROR_CODES,
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
