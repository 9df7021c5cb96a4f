import { LatchkeyError } from '@latchkey/contracts';

/**
 * Why the tokens lib refused a token, a key or an input. Stable strings
 * (STYLE.md "Naming"): resource servers map the verification codes to
 * their `LAT.*` / `EXCHANGE.*` reasons in one exhaustive switch, so a code
 * keeps its meaning once published; add codes, never rename them.
 */
export const TOKEN_ERROR_CODES = [
  // Verification: why a presented token is refused.
  'TOKENS.TOO_LARGE',
  'TOKENS.MALFORMED',
  'TOKENS.UNKNOWN_KEY',
  'TOKENS.BAD_SIGNATURE',
  'TOKENS.WRONG_TYPE',
  'TOKENS.WRONG_ISSUER',
  'TOKENS.WRONG_AUDIENCE',
  'TOKENS.EXPIRED',
  'TOKENS.NOT_YET_VALID',
  'TOKENS.CLAIMS_INVALID',
  // Operation: the verifier's own configuration is broken, not the token.
  'TOKENS.JWKS_INVALID',
  // Operation: the issuer's JWKS could not be fetched (down, timed out, not 200, not JSON); try again later.
  'TOKENS.JWKS_UNAVAILABLE',
  // Issuance and key management: the caller's input or the stored keys.
  'TOKENS.INPUT_INVALID',
  'TOKENS.KEY_INVALID',
  'TOKENS.KEY_RING_INVALID',
  'TOKENS.KEY_UNSEALABLE',
] as const;

/** One of {@link TOKEN_ERROR_CODES}. */
export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[number];

/**
 * The one error this lib throws on purpose. Its message is safe to show a
 * caller and never contains a token or key material; the underlying `jose`
 * or crypto error, when there is one, is kept as `cause` for logs.
 */
export class TokenError extends LatchkeyError<TokenErrorCode> {
  constructor(
    code: TokenErrorCode,
    message: string,
    details: Readonly<Record<string, string | number | boolean | null>> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
    this.name = 'TokenError';
  }
}
