import type { JWSHeaderParameters } from 'jose';
import { TokenError } from './token-error';

/**
 * Header parameters that name a key or where to get one (RFC 7515 §4.1.2–4.1.6). The issuer never writes
 * them and jose ignores them, but they are refused outright: a verifier's keys come only from its own JWKS,
 * and refusing before any key lookup means such a token cannot cause a request, not even a refetch of that
 * JWKS for its (made-up) `kid`, whatever a future jose does with them.
 */
const KEY_POINTERS = ['jku', 'jwk', 'x5u', 'x5c'] as const;

/**
 * Checks what a token header says about its key before any key is looked up. Internal: both key
 * resolvers of verify-jwt.ts (a local set and a remote one) call it first.
 *
 * @throws TokenError `TOKENS.MALFORMED` without a `kid`, or with a header that points at a key
 */
export function assertKeySelectingHeader(header: JWSHeaderParameters): void {
  // ARCHITECTURE.md: `kid` in every header. Without it jose would try every key of the type, which hides a
  // misissued token (and, with a remote set, would not say which key to refetch for).
  if (typeof header.kid !== 'string') throw new TokenError('TOKENS.MALFORMED', 'the token header names no kid');
  const pointer = KEY_POINTERS.find((name) => Object.hasOwn(header, name));
  if (pointer !== undefined) {
    throw new TokenError('TOKENS.MALFORMED', `the token header carries "${pointer}": keys come only from the verifier's JWKS`);
  }
}
