import type { LatchkeyError } from '@latchkey/contracts';
import type { IsvAssertionKind, TokenErrorCode } from '@latchkey/tokens';

/** A service's own error codes for the refusals of an ISV token. */
export interface IsvTokenCodes<C extends string> {
  /** No `Authorization` header, several, another scheme (401, challenge without `error`). */
  readonly missing: C;
  /** A token that does not verify: signature, issuer, audience, claims, shape (401). */
  readonly invalid: C;
  readonly expired: C;
  /** Another profile or another kind of ISV token (401). */
  readonly wrongType: C;
  /** A good token whose ISV is not the path's (403). */
  readonly foreignIsv: C;
  /** The issuer's keys cannot be fetched: never a pass, never the caller's fault (503). */
  readonly keysUnavailable: C;
}

/**
 * How one service accepts one kind of ISV token (an assertion of the issuer,
 * "the bearer is ISV `sub`"): the kind, the service's codes and error class,
 * and the words its refusals use. Tokens never reach a message.
 */
export interface IsvTokenPolicy<C extends string> {
  readonly kind: IsvAssertionKind<string>;
  readonly codes: IsvTokenCodes<C>;
  /** The service's error class for these codes. */
  readonly error: new (code: C, message: string, details?: LatchkeyError['details'], options?: { cause?: unknown }) => LatchkeyError<C>;
  /** What the token is called in messages, e.g. `audit feed token`. */
  readonly name: string;
  /** Where an ISV gets one, e.g. `POST /isv/v1/audit-feed-token at the issuer`. */
  readonly obtain: string;
  /** The RFC 6750 realm of the 401 challenge, e.g. `latchkey-audit-feed`. */
  readonly realm: string;
  /** What a good token aimed at another ISV is told. */
  readonly foreignIsvMessage: string;
}

/**
 * A verification failure as the service's refusal. Codes about the
 * verifier's own keys become `keysUnavailable` (503): the token may be good,
 * and a verifier that cannot check must neither pass it nor blame the caller.
 */
export function isvTokenRefusalCode<C extends string>(code: TokenErrorCode, codes: IsvTokenCodes<C>): C {
  switch (code) {
    case 'TOKENS.EXPIRED':
      return codes.expired;
    case 'TOKENS.WRONG_TYPE':
      return codes.wrongType;
    case 'TOKENS.TOO_LARGE':
    case 'TOKENS.MALFORMED':
    case 'TOKENS.UNKNOWN_KEY':
    case 'TOKENS.BAD_SIGNATURE':
    case 'TOKENS.WRONG_ISSUER':
    case 'TOKENS.WRONG_AUDIENCE':
    case 'TOKENS.NOT_YET_VALID':
    case 'TOKENS.CLAIMS_INVALID':
      return codes.invalid;
    default:
      return codes.keysUnavailable;
  }
}
