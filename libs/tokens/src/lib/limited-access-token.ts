import { randomUUID } from 'node:crypto';
import {
  canonicalResourceId,
  LAT_LIFETIME_MAX_SECONDS,
  LAT_LIFETIME_MIN_SECONDS,
  LAT_TYP,
  LimitedAccessTokenClaimsSchema,
  type FeatureFlag,
  type LimitedAccessTokenClaims,
} from '@latchkey/contracts';
import { numericDate, signJwt, type SignedToken } from './sign-jwt';
import type { SigningKey } from './signing-key';
import { TokenError } from './token-error';
import { verifyJwt, type TokenProfile, type VerifiedToken, type VerifyTokenOptions } from './verify-jwt';

/** What the issuer decided to grant; everything a LAT says comes from here. */
export type LimitedAccessTokenInput = {
  /** The issuer's identifier (`iss`), the same string its metadata names. */
  readonly issuer: string;
  readonly isvId: string;
  /** The client's Azure resource id, any case: the token carries the canonical form. */
  readonly resourceId: string;
  readonly features: readonly FeatureFlag[];
  /** Whole seconds in [LAT_LIFETIME_MIN_SECONDS, LAT_LIFETIME_MAX_SECONDS]. */
  readonly lifetimeSeconds: number;
  readonly now: Date;
  /** Defaults to a random UUID; pass one to record the issuance before signing. */
  readonly jti?: string;
  /** The DPoP key thumbprint (RFC 9449 §6.1) of a sender-constrained token. */
  readonly cnfJkt?: string;
};

/**
 * The LAT claims as verified: the contracts schema plus `sub` equal to
 * `aud`, both the client's resource (a LAT names one resource, twice).
 */
const LatClaims = LimitedAccessTokenClaimsSchema.refine((c) => c.sub === c.aud, {
  message: 'sub must be the audience resource',
  path: ['sub'],
});

const LAT_PROFILE: TokenProfile<LimitedAccessTokenClaims> = {
  typ: LAT_TYP,
  schema: LatClaims,
  requiredClaims: ['exp', 'iat', 'nbf', 'jti', 'aud', 'sub', 'features'],
  maxTokenAgeSeconds: LAT_LIFETIME_MAX_SECONDS,
};

/**
 * Signs a limited access token (`typ: lat+jwt`). The claims are validated
 * against the contracts schema first; a bad input throws and signs nothing.
 * `nbf` equals `iat` and `exp` is `iat + lifetimeSeconds` exactly, so the
 * token's lifetime is the `expiredTime` the ISV asked for.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID`
 */
export async function signLimitedAccessToken(
  input: LimitedAccessTokenInput,
  key: SigningKey,
): Promise<SignedToken<LimitedAccessTokenClaims>> {
  const { lifetimeSeconds } = input;
  // The schema only caps the lifetime; the floor is the issuer's rule too.
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < LAT_LIFETIME_MIN_SECONDS || lifetimeSeconds > LAT_LIFETIME_MAX_SECONDS) {
    throw new TokenError(
      'TOKENS.INPUT_INVALID',
      `lifetimeSeconds must be a whole number in [${LAT_LIFETIME_MIN_SECONDS}, ${LAT_LIFETIME_MAX_SECONDS}]`,
    );
  }
  const iat = numericDate(input.now);
  const resource = canonicalResourceId(input.resourceId);
  return signJwt(key, { typ: LAT_TYP, schema: LatClaims }, {
    iss: input.issuer,
    aud: resource,
    sub: resource,
    isv: input.isvId,
    features: [...input.features],
    iat,
    nbf: iat,
    exp: iat + lifetimeSeconds,
    jti: input.jti ?? randomUUID(),
    ...(input.cnfJkt === undefined ? {} : { cnf: { jkt: input.cnfJkt } }),
  });
}

/**
 * Verifies a limited access token for the resource `audience` (compared in
 * canonical form: Azure resource ids are case-insensitive). Checks size,
 * signature against `jwks` (ES256 or EdDSA only), `typ: lat+jwt`, `iss`,
 * `aud`, `exp`/`nbf`/`iat` with `clockToleranceSeconds` (default 5), an age
 * of at most `maxTokenAgeSeconds` (default 86 400, plus the tolerance), and
 * the claims against the contracts schema. Revocation and the feature
 * check are the caller's: they need state this lib does not have.
 *
 * @throws TokenError with a verification code (`TOKENS.EXPIRED`, `TOKENS.WRONG_AUDIENCE`, …)
 */
export function verifyLimitedAccessToken(
  token: string,
  options: VerifyTokenOptions,
): Promise<VerifiedToken<LimitedAccessTokenClaims>> {
  return verifyJwt(token, LAT_PROFILE, { ...options, audience: canonicalResourceId(options.audience) });
}
