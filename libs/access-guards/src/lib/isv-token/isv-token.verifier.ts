import { TokenError, verifyIsvAssertion, type VerificationKeys } from '@latchkey/tokens';
import { singleBearer } from '../bearer-header';
import { isvTokenRefusalCode, type IsvTokenPolicy } from './isv-token-policy';

/** Where the verifier finds the issuer's keys and `iss`, and a clock for tests. */
export interface IsvTokenVerifierOptions {
  readonly keys: VerificationKeys;
  readonly issuer: string;
  readonly now?: () => Date;
}

/** An ISV token that verified: the ISV it speaks for, and its id for logs. */
export interface IsvTokenBearer {
  readonly isvId: string;
  readonly jti: string;
}

/**
 * Checks the `Authorization` headers of a request made with an ISV token:
 * exactly one `Bearer` credential, a token of the policy's kind from the
 * configured issuer (signature against its JWKS, `typ`, audience, times).
 * Which ISV may act is the guard's decision. Nothing of the token reaches an
 * error or a log.
 */
export class IsvTokenVerifier<C extends string> {
  constructor(
    private readonly policy: IsvTokenPolicy<C>,
    private readonly options: IsvTokenVerifierOptions,
  ) {}

  /**
   * @param headers every `Authorization` header value the request carried (repeats refused)
   * @throws the policy's error: a 401 code, or `keysUnavailable` (503)
   */
  async verify(headers: readonly string[]): Promise<IsvTokenBearer> {
    const { codes, error: Refusal, name } = this.policy;
    if (headers.length === 0) throw new Refusal(codes.missing, `Send Authorization: Bearer <${name}> (${this.policy.obtain}).`);
    const token = singleBearer(headers);
    if (token === undefined) throw new Refusal(codes.missing, `Send exactly one Authorization header: Bearer <${name}>.`);
    try {
      const { claims } = await verifyIsvAssertion(this.policy.kind, token, {
        jwks: this.options.keys,
        issuer: this.options.issuer,
        now: this.options.now?.(),
      });
      return { isvId: claims.sub, jti: claims.jti };
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      // The lib's messages are safe to show (they never hold token material) and say which check failed.
      throw new Refusal(isvTokenRefusalCode(error.code, codes), `The ${name} was refused: ${error.message}.`, {}, { cause: error });
    }
  }
}
