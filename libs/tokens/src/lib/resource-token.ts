import { randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_TYP, AzureResourceId, canonicalResourceId, Jti, NumericDate } from '@latchkey/contracts';
import { z } from 'zod';
import { numericDate, signJwt, type SignedToken } from './sign-jwt';
import type { SigningKey } from './signing-key';
import { verifyJwt, type TokenProfile, type VerifiedToken, type VerifyTokenOptions } from './verify-jwt';

/** Lifetime of the bearer token `issueToken` returns: the vendor's 10 minutes. */
export const RESOURCE_TOKEN_LIFETIME_SECONDS = 600;

/**
 * The claims of a resource token: an RFC 9068 access token (`at+jwt`) whose
 * `aud`, `sub` and `client_id` are all the resource whose key was
 * presented, so it stands in for that key and for nothing else. It has no
 * `scope`, `oid` or `tid`, which keeps it from passing as an exchanged
 * internal access token (same `typ`, other schema and audience).
 * Candidate for `@latchkey/contracts` beside the other claim profiles.
 */
export const ResourceTokenClaimsSchema = z
  .object({
    iss: z.string().min(1).max(256),
    aud: AzureResourceId,
    sub: AzureResourceId,
    client_id: AzureResourceId,
    iat: NumericDate,
    nbf: NumericDate,
    exp: NumericDate,
    jti: Jti,
  })
  .refine((c) => c.sub === c.aud && c.client_id === c.aud, { message: 'sub and client_id must be the audience', path: ['sub'] })
  .refine((c) => c.exp > c.iat && c.exp > c.nbf && c.exp - c.iat <= RESOURCE_TOKEN_LIFETIME_SECONDS, {
    message: `lifetime must be in (0, ${RESOURCE_TOKEN_LIFETIME_SECONDS}] seconds`,
    path: ['exp'],
  });

/** The claims of a resource token. */
export type ResourceTokenClaims = z.infer<typeof ResourceTokenClaimsSchema>;

/** What `issueToken` grants: a token for the key's own resource. */
export type ResourceTokenInput = {
  readonly issuer: string;
  /** Any case; the token carries the canonical form. */
  readonly resourceId: string;
  readonly now: Date;
  readonly jti?: string;
};

const RESOURCE_TOKEN_PROFILE: TokenProfile<ResourceTokenClaims> = {
  typ: ACCESS_TOKEN_TYP,
  schema: ResourceTokenClaimsSchema,
  requiredClaims: ['exp', 'iat', 'nbf', 'jti', 'aud', 'sub', 'client_id'],
  maxTokenAgeSeconds: RESOURCE_TOKEN_LIFETIME_SECONDS,
};

/**
 * Signs the 10-minute bearer token of `issueToken` (`typ: at+jwt`,
 * RFC 9068 §2.1) for one resource.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID`
 */
export function signResourceToken(input: ResourceTokenInput, key: SigningKey): Promise<SignedToken<ResourceTokenClaims>> {
  const iat = numericDate(input.now);
  const resource = canonicalResourceId(input.resourceId);
  return signJwt(key, { typ: ACCESS_TOKEN_TYP, schema: ResourceTokenClaimsSchema }, {
    iss: input.issuer,
    aud: resource,
    sub: resource,
    client_id: resource,
    iat,
    nbf: iat,
    exp: iat + RESOURCE_TOKEN_LIFETIME_SECONDS,
    jti: input.jti ?? randomUUID(),
  });
}

/**
 * Verifies a resource token for the resource `audience` (canonicalised),
 * on the same path as limited access tokens; the default maximum age is
 * the 600-second lifetime.
 *
 * @throws TokenError with a verification code
 */
export function verifyResourceToken(token: string, options: VerifyTokenOptions): Promise<VerifiedToken<ResourceTokenClaims>> {
  return verifyJwt(token, RESOURCE_TOKEN_PROFILE, { ...options, audience: canonicalResourceId(options.audience) });
}
