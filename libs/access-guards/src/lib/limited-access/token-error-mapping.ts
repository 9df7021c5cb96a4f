import type { LatErrorCode } from '@latchkey/contracts';
import type { TokenErrorCode } from '@latchkey/tokens';

/**
 * A token verification failure (libs/tokens) as a refusal at the point of
 * use. Codes about our own keys or configuration become 503
 * LAT.KEYS_UNAVAILABLE: the token may well be good, and a verifier that
 * cannot check must not pass it nor blame the caller.
 */
export function latCodeForTokenError(code: TokenErrorCode | string): LatErrorCode {
  switch (code) {
    case 'TOKENS.TOO_LARGE':
      return 'LAT.TOO_LARGE';
    case 'TOKENS.MALFORMED':
      return 'LAT.MALFORMED';
    case 'TOKENS.UNKNOWN_KEY':
      return 'LAT.UNKNOWN_KEY';
    case 'TOKENS.BAD_SIGNATURE':
      return 'LAT.BAD_SIGNATURE';
    case 'TOKENS.WRONG_TYPE':
      return 'LAT.WRONG_TYPE';
    case 'TOKENS.WRONG_ISSUER':
      return 'LAT.WRONG_ISSUER';
    case 'TOKENS.WRONG_AUDIENCE':
      return 'LAT.WRONG_RESOURCE';
    case 'TOKENS.EXPIRED':
      return 'LAT.EXPIRED';
    case 'TOKENS.NOT_YET_VALID':
      return 'LAT.NOT_YET_VALID';
    case 'TOKENS.CLAIMS_INVALID':
      return 'LAT.CLAIMS_INVALID';
    default:
      return 'LAT.KEYS_UNAVAILABLE';
  }
}
