import type { IsvCasesTokenClaims } from '@latchkey/contracts';
import type { SignedToken } from './sign-jwt';
import type { SigningKey } from './signing-key';
import type { VerifiedToken } from './verify-jwt';
import { ISV_CASES_TOKEN_KIND, signIsvAssertion, verifyIsvAssertion, type IsvAssertionInput, type IsvAssertionVerifyOptions } from './isv-assertion';

/**
 * Signs a cases token (`typ: lk-isv-cases+jwt`, `aud`
 * `urn:latchkey:abuse-cases`, five minutes) with the issuer's current key:
 * the issuer vouches to the abuse detector that the bearer is ISV `isvId`.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` when the ISV id is not an identifier (nothing is signed).
 */
export function signIsvCasesToken(input: IsvAssertionInput, key: SigningKey): Promise<SignedToken<IsvCasesTokenClaims>> {
  return signIsvAssertion(ISV_CASES_TOKEN_KIND, input, key);
}

/**
 * Verifies a cases token ({@link verifyIsvAssertion}); the audience is
 * always `urn:latchkey:abuse-cases`. Which ISV may act is the caller's
 * decision: compare `claims.sub`.
 *
 * @throws TokenError with a verification code (`TOKENS.WRONG_TYPE` for an audit feed token, …)
 */
export function verifyIsvCasesToken(token: string, options: IsvAssertionVerifyOptions): Promise<VerifiedToken<IsvCasesTokenClaims>> {
  return verifyIsvAssertion(ISV_CASES_TOKEN_KIND, token, options);
}
