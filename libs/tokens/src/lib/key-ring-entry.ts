import type { SigningKey } from './signing-key';

/**
 * Where a signing key is in its life:
 * - `next`: published ahead of use, signs nothing until `activateAt`, so
 *   every verifier's cached JWKS holds it before its first token appears.
 * - `active`: signs new tokens; published.
 * - `retiring`: signs nothing since `notAfter`, still published so that
 *   tokens it signed keep verifying until they expire.
 * - `retired`: unpublished; its tokens are refused from then on.
 */
export type KeyStatus = 'next' | 'active' | 'retiring' | 'retired';

/**
 * One key of the issuer's ring. A key that stopped signing records when
 * (`notAfter`): no token it signed has an `iat` later than that, which is
 * what makes dropping it safe to compute. Required there by the type,
 * so a ring cannot forget it.
 */
export type KeyRingEntry =
  | { readonly key: SigningKey; readonly status: 'next'; readonly activateAt: Date }
  | { readonly key: SigningKey; readonly status: 'active' }
  | { readonly key: SigningKey; readonly status: 'retiring' | 'retired'; readonly notAfter: Date };
