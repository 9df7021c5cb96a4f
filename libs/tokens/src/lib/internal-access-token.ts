import { randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_TYP, InternalAccessTokenClaimsSchema, ScopeToken, type InternalAccessTokenClaims } from '@latchkey/contracts';
import { numericDate, signJwt, type SignedToken } from './sign-jwt';
import type { SigningKey } from './signing-key';
import { TokenError } from './token-error';
import { verifyJwt, type TokenProfile, type VerifiedToken, type VerifyTokenOptions } from './verify-jwt';

/** The longest an internal access token lives: the longest an OAuth application may ask for. */
export const INTERNAL_ACCESS_TOKEN_MAX_LIFETIME_SECONDS = 86_400;

/** What the exchange states in an internal access token. */
export type InternalAccessTokenInput = {
  /** The exchange's identifier (`iss`). */
  readonly issuer: string;
  /** The API the token is for (`aud`). */
  readonly audience: string;
  /** Our person id (`sub`). */
  readonly personId: string;
  /** The OAuth application (`client_id`). */
  readonly clientId: string;
  /** Granted scopes: requested ∩ allowed; at least one. */
  readonly scopes: readonly string[];
  /** The Entra identity it was exchanged from. */
  readonly tenantId: string;
  readonly objectId: string;
  /** The source token's `uti` (or `jti`), so a revocation can follow the lineage. */
  readonly sourceTokenId?: string | null;
  readonly now: Date;
  /** When it expires: never later than the source token (the caller takes the minimum with the application's lifetime). */
  readonly expiresAt: Date;
  /** Defaults to a random UUID. */
  readonly jti?: string;
};

const INTERNAL_ACCESS_TOKEN_PROFILE: TokenProfile<InternalAccessTokenClaims> = {
  typ: ACCESS_TOKEN_TYP,
  schema: InternalAccessTokenClaimsSchema,
  requiredClaims: ['exp', 'iat', 'jti', 'aud', 'sub', 'client_id', 'scope', 'tid', 'oid'],
  maxTokenAgeSeconds: INTERNAL_ACCESS_TOKEN_MAX_LIFETIME_SECONDS,
};

/**
 * Signs an internal access token (RFC 9068, `typ: at+jwt`) with the
 * exchange's key: the person (`sub`), the application (`client_id`), the
 * granted `scope`, and the Entra identity (`tid`, `oid`, `src_uti`) it came
 * from. Its claims are validated before anything is signed.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` (no scope, an expiry not after now or beyond the maximum lifetime, …)
 */
export async function signInternalAccessToken(input: InternalAccessTokenInput, key: SigningKey): Promise<SignedToken<InternalAccessTokenClaims>> {
  // Each scope on its own: joined, `a b` would pass as two scopes.
  if (!input.scopes.every((scope) => ScopeToken.safeParse(scope).success))
    throw new TokenError('TOKENS.INPUT_INVALID', 'a scope is not a scope token');
  const iat = numericDate(input.now);
  const exp = Math.min(numericDate(input.expiresAt), iat + INTERNAL_ACCESS_TOKEN_MAX_LIFETIME_SECONDS);
  return signJwt(
    key,
    { typ: ACCESS_TOKEN_TYP, schema: InternalAccessTokenClaimsSchema },
    {
      iss: input.issuer,
      aud: input.audience,
      sub: input.personId,
      client_id: input.clientId,
      scope: input.scopes.join(' '),
      tid: input.tenantId,
      oid: input.objectId,
      ...(input.sourceTokenId ? { src_uti: input.sourceTokenId } : {}),
      iat,
      exp,
      jti: input.jti ?? randomUUID(),
    },
  );
}

/**
 * Verifies an internal access token on the path every profile shares (size,
 * signature against the exchange's JWKS, `typ: at+jwt`, `iss`, `aud`,
 * times, required claims, schema). An API verifies it offline this way.
 *
 * @throws TokenError with a verification code
 */
export function verifyInternalAccessToken(token: string, options: VerifyTokenOptions): Promise<VerifiedToken<InternalAccessTokenClaims>> {
  return verifyJwt(token, INTERNAL_ACCESS_TOKEN_PROFILE, options);
}
