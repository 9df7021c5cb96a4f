import { IsvTokenVerifier, type IsvTokenPolicy, type IsvTokenVerifierOptions } from '@latchkey/access-guards';
import type { AbuseIsvErrorCode } from '@latchkey/contracts';
import { ISV_CASES_TOKEN_KIND } from '@latchkey/tokens';
import { IsvCasesAuthError } from './isv-cases-auth.errors';

/** Provider token of the cases API's {@link IsvCasesTokenVerifier}. */
export const ISV_CASES_VERIFIER = Symbol('latchkey:isvCasesVerifier');

/** How the cases API takes cases tokens: its codes, its error class, and the words of its refusals. */
export const ISV_CASES_TOKEN_POLICY: IsvTokenPolicy<AbuseIsvErrorCode> = {
  kind: ISV_CASES_TOKEN_KIND,
  codes: {
    missing: 'ABUSE.ISV_TOKEN_MISSING',
    invalid: 'ABUSE.ISV_TOKEN_INVALID',
    expired: 'ABUSE.ISV_TOKEN_EXPIRED',
    wrongType: 'ABUSE.ISV_TOKEN_WRONG_TYPE',
    foreignIsv: 'ABUSE.ISV_FOREIGN_ISV',
    keysUnavailable: 'ABUSE.ISV_KEYS_UNAVAILABLE',
  },
  error: IsvCasesAuthError,
  name: 'cases token',
  obtain: 'POST /isv/v1/cases-token at the issuer',
  realm: 'latchkey-abuse-cases',
  foreignIsvMessage: 'This cases token answers its own ISV’s cases only.',
};

/**
 * Checks the `Authorization` header of an ISV's call to the cases API:
 * exactly one `Bearer` credential, a cases token of the configured issuer
 * (signature against its JWKS, `typ: lk-isv-cases+jwt`, audience
 * `urn:latchkey:abuse-cases`, times). An audit feed token is refused as
 * another kind. Refusals are {@link IsvCasesAuthError}s:
 * `ABUSE.ISV_TOKEN_*` (401) or `ABUSE.ISV_KEYS_UNAVAILABLE` (503).
 */
export class IsvCasesTokenVerifier extends IsvTokenVerifier<AbuseIsvErrorCode> {
  constructor(options: IsvTokenVerifierOptions) {
    super(ISV_CASES_TOKEN_POLICY, options);
  }
}
