import type { AuditFeedTokenClaims } from '@latchkey/contracts';
import type { SignedToken } from './sign-jwt';
import type { SigningKey } from './signing-key';
import type { VerifiedToken } from './verify-jwt';
import { AUDIT_FEED_TOKEN_KIND, signIsvAssertion, verifyIsvAssertion, type IsvAssertionInput, type IsvAssertionVerifyOptions } from './isv-assertion';

/** What the issuer states in an audit feed token: this ISV, now. */
export type AuditFeedTokenInput = IsvAssertionInput;

/**
 * Signs an audit feed token (`typ: lk-audit-feed+jwt`, `aud`
 * `urn:latchkey:audit-feed`, five minutes) with the issuer's current key:
 * the issuer vouches to the audit service that the bearer is ISV `isvId`.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` when the ISV id is not an identifier (nothing is signed).
 */
export function signAuditFeedToken(input: AuditFeedTokenInput, key: SigningKey): Promise<SignedToken<AuditFeedTokenClaims>> {
  return signIsvAssertion(AUDIT_FEED_TOKEN_KIND, input, key);
}

/**
 * Verifies an audit feed token ({@link verifyIsvAssertion}); the audience is
 * always `urn:latchkey:audit-feed`. Which ISV may be read is the caller's
 * decision: compare `claims.sub`.
 *
 * @throws TokenError with a verification code (`TOKENS.WRONG_TYPE` for a limited access token or a cases token, …)
 */
export function verifyAuditFeedToken(token: string, options: IsvAssertionVerifyOptions): Promise<VerifiedToken<AuditFeedTokenClaims>> {
  return verifyIsvAssertion(AUDIT_FEED_TOKEN_KIND, token, options);
}
