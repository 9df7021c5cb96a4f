import { z } from 'zod';
import { IsvId, Jti } from '../shared/ids';
import { NumericDate } from './numeric-date';

/**
 * Lifetime of every ISV assertion (the audit feed token, the cases token)
 * in seconds. Short, because the receiving service verifies it offline: a
 * revocation of the ISV or a change of its key reaches it at most this late.
 */
export const ISV_ASSERTION_LIFETIME_SECONDS = 300;

/**
 * The claims schema of an ISV assertion for one audience: the issuer,
 * having checked the ISV's subscription key, states "the bearer is ISV
 * `sub`" to the service named by `aud`, for five minutes. It carries no
 * resource, feature or scope. Each kind has its own `typ` and audience, so
 * one kind is never accepted as another.
 */
export function isvAssertionClaimsSchema<const A extends string>(audience: A) {
  return z
    .object({
      iss: z.string().min(1).max(256),
      sub: IsvId,
      aud: z.literal(audience),
      iat: NumericDate,
      exp: NumericDate,
      jti: Jti,
    })
    .refine((c) => c.exp > c.iat && c.exp - c.iat <= ISV_ASSERTION_LIFETIME_SECONDS, {
      message: `lifetime must be in (0, ${ISV_ASSERTION_LIFETIME_SECONDS}] seconds`,
      path: ['exp'],
    });
}

/** The claims of an ISV assertion whose audience is `A`. */
export type IsvAssertionClaims<A extends string = string> = z.infer<ReturnType<typeof isvAssertionClaimsSchema<A>>>;
