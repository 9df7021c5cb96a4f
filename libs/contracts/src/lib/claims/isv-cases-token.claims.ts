import { ISV_ASSERTION_LIFETIME_SECONDS, isvAssertionClaimsSchema, type IsvAssertionClaims } from './isv-assertion.claims';

/**
 * The JOSE `typ` of an ISV's cases token. Distinct from the audit feed
 * token's, so a token for one service is never accepted by the other.
 */
export const ISV_CASES_TOKEN_TYP = 'lk-isv-cases+jwt';

/** The `aud` of every cases token: the abuse detector's ISV cases API, whatever its URL. */
export const ISV_CASES_AUDIENCE = 'urn:latchkey:abuse-cases';

/** Lifetime of a cases token in seconds: that of every ISV assertion. */
export const ISV_CASES_TOKEN_LIFETIME_SECONDS = ISV_ASSERTION_LIFETIME_SECONDS;

/**
 * The claims of a cases token (docs/ABUSE.md): an ISV assertion for the
 * abuse detector, with which an ISV lists and answers its own abuse cases.
 */
export const IsvCasesTokenClaimsSchema = isvAssertionClaimsSchema(ISV_CASES_AUDIENCE);

/** The claims of a cases token. */
export type IsvCasesTokenClaims = IsvAssertionClaims<typeof ISV_CASES_AUDIENCE>;
