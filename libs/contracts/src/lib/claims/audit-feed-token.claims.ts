import { ISV_ASSERTION_LIFETIME_SECONDS, isvAssertionClaimsSchema, type IsvAssertionClaims } from './isv-assertion.claims';

/**
 * The JOSE `typ` of an ISV's audit feed token. Explicit and distinct from
 * `lat+jwt` and `at+jwt`, so a feed token is never accepted as a limited
 * access token or an access token, nor one of those as a feed token.
 */
export const AUDIT_FEED_TOKEN_TYP = 'lk-audit-feed+jwt';

/** The `aud` of every audit feed token: the audit service's ISV transparency feed, whatever its URL. */
export const AUDIT_FEED_AUDIENCE = 'urn:latchkey:audit-feed';

/** Lifetime of an audit feed token in seconds: that of every ISV assertion. */
export const AUDIT_FEED_TOKEN_LIFETIME_SECONDS = ISV_ASSERTION_LIFETIME_SECONDS;

/**
 * The claims of an audit feed token (docs/AUDIT.md "ISV transparency
 * feed"): an ISV assertion for the audit service's feed. It reads that
 * ISV's feed and nothing else.
 */
export const AuditFeedTokenClaimsSchema = isvAssertionClaimsSchema(AUDIT_FEED_AUDIENCE);

/** The claims of an audit feed token. */
export type AuditFeedTokenClaims = IsvAssertionClaims<typeof AUDIT_FEED_AUDIENCE>;
