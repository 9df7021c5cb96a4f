import { LatError } from './lat-error';

/** The header clients of the vendor's Face API send the token in. */
export const LIMITED_ACCESS_TOKEN_HEADER = 'limitedaccesstoken';

/** `Bearer`, exactly one space, one compact JWS (three base64url segments, nothing else). */
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/**
 * Reads `LimitedAccessToken: Bearer <jwt>` (Node lower-cases header names,
 * so any casing of the name arrives here). Strict on the value: the scheme
 * in its exact case, one space, one token. Node joins a repeated header with
 * ", ", which no token contains: two headers are refused, never resolved by
 * picking one (either could be the attacker's).
 *
 * @throws LatError LAT.MISSING (no header: the vendor's 403 for an
 *   unapproved resource) or LAT.HEADER_INVALID
 */
export function readLimitedAccessToken(value: string | string[] | undefined): string {
  if (value === undefined) throw new LatError('LAT.MISSING', 'This operation requires a LimitedAccessToken header.');
  if (Array.isArray(value) || value.includes(',')) {
    throw new LatError('LAT.HEADER_INVALID', 'More than one LimitedAccessToken header was sent.');
  }
  const match = BEARER.exec(value);
  if (match?.[1] === undefined) {
    throw new LatError('LAT.HEADER_INVALID', 'The LimitedAccessToken header must be "Bearer", one space and one token.');
  }
  return match[1];
}
