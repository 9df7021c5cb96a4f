import { randomUUID } from 'node:crypto';
import {
  AUDIT_FEED_AUDIENCE,
  AUDIT_FEED_TOKEN_TYP,
  AuditFeedTokenClaimsSchema,
  ISV_ASSERTION_LIFETIME_SECONDS,
  ISV_CASES_AUDIENCE,
  ISV_CASES_TOKEN_TYP,
  IsvCasesTokenClaimsSchema,
  type IsvAssertionClaims,
} from '@latchkey/contracts';
import type { z } from 'zod';
import { numericDate, signJwt, type SignedToken } from './sign-jwt';
import type { SigningKey } from './signing-key';
import { verifyJwt, type VerifiedToken, type VerifyTokenOptions } from './verify-jwt';

/**
 * One kind of ISV assertion: the `typ` and audience that tell it from every
 * other token, and the claims schema for that audience.
 */
export interface IsvAssertionKind<A extends string> {
  readonly typ: string;
  readonly audience: A;
  readonly schema: z.ZodType<IsvAssertionClaims<A>>;
}

/** The audit feed token: for the audit service's ISV transparency feed. */
export const AUDIT_FEED_TOKEN_KIND: IsvAssertionKind<typeof AUDIT_FEED_AUDIENCE> = {
  typ: AUDIT_FEED_TOKEN_TYP,
  audience: AUDIT_FEED_AUDIENCE,
  schema: AuditFeedTokenClaimsSchema,
};

/** The cases token: for the abuse detector's ISV cases API. */
export const ISV_CASES_TOKEN_KIND: IsvAssertionKind<typeof ISV_CASES_AUDIENCE> = {
  typ: ISV_CASES_TOKEN_TYP,
  audience: ISV_CASES_AUDIENCE,
  schema: IsvCasesTokenClaimsSchema,
};

/** What the issuer states in an ISV assertion: this ISV, now. */
export type IsvAssertionInput = {
  /** The issuer's identifier (`iss`). */
  readonly issuer: string;
  /** The ISV whose subscription key was presented (`sub`). */
  readonly isvId: string;
  readonly now: Date;
  /** Defaults to a random UUID. */
  readonly jti?: string;
};

/** Options of an ISV assertion verifier: the audience is the kind's own. */
export type IsvAssertionVerifyOptions = Omit<VerifyTokenOptions, 'audience'>;

/**
 * Signs an ISV assertion of `kind` (its `typ` and `aud`, five minutes) with
 * the issuer's current key: the issuer vouches to the receiving service
 * that the bearer is ISV `isvId`.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` when the ISV id is not an identifier (nothing is signed).
 */
export function signIsvAssertion<A extends string>(
  kind: IsvAssertionKind<A>,
  input: IsvAssertionInput,
  key: SigningKey,
): Promise<SignedToken<IsvAssertionClaims<A>>> {
  const iat = numericDate(input.now);
  return signJwt(
    key,
    { typ: kind.typ, schema: kind.schema },
    {
      iss: input.issuer,
      sub: input.isvId,
      aud: kind.audience,
      iat,
      exp: iat + ISV_ASSERTION_LIFETIME_SECONDS,
      jti: input.jti ?? randomUUID(),
    },
  );
}

/**
 * Verifies an ISV assertion of `kind` on the path every profile shares
 * (size, signature against the issuer's JWKS, `typ`, `iss`, times, claims);
 * the audience is always the kind's. Which ISV may act is the caller's
 * decision: compare `claims.sub`.
 *
 * @throws TokenError with a verification code (`TOKENS.WRONG_TYPE` for another kind or profile, …)
 */
export function verifyIsvAssertion<A extends string>(
  kind: IsvAssertionKind<A>,
  token: string,
  options: IsvAssertionVerifyOptions,
): Promise<VerifiedToken<IsvAssertionClaims<A>>> {
  return verifyJwt(
    token,
    {
      typ: kind.typ,
      schema: kind.schema,
      requiredClaims: ['exp', 'iat', 'jti', 'aud', 'sub'],
      maxTokenAgeSeconds: ISV_ASSERTION_LIFETIME_SECONDS,
    },
    { ...options, audience: kind.audience },
  );
}
