import { canonicalResourceId } from '@latchkey/contracts';
import { TokenError, verifyLimitedAccessToken, type VerificationKeys } from '@latchkey/tokens';
import { LeakIntakeError } from './leak-intake.errors';

/** One of our limited access tokens, as its verified claims describe it. */
export interface LeakedToken {
  readonly jti: string;
  readonly isvId: string;
  /** The client's resource, canonical (lower case). */
  readonly resourceId: string;
  readonly expiresAt: Date;
}

/** Tells whether a reported string is one of our tokens. */
export interface LeakedTokenIdentifier {
  /**
   * The token's identity when it is a limited access token our issuer signed (expired or not), else undefined.
   * @throws LeakIntakeError `ABUSE.LEAK_VERIFICATION_UNAVAILABLE` when the issuer's keys cannot be fetched
   */
  identify(token: string): Promise<LeakedToken | undefined>;
}

/** The claims read before verification: only to choose the audience and the instant to verify at. */
function unverifiedTiming(token: string): { readonly audience: string; readonly issuedAt: number } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { aud, iat } = claims as { aud?: unknown; iat?: unknown };
    if (typeof aud !== 'string' || typeof iat !== 'number' || !Number.isFinite(iat)) return undefined;
    return { audience: aud, issuedAt: iat };
  } catch {
    return undefined;
  }
}

/**
 * Verifies a reported token as a limited access token of the configured
 * issuer, through the one verification path of libs/tokens, against the
 * issuer's JWKS. A leaked token is evidence even when expired, so it is
 * verified as of its own `iat`: the audience and that instant are read
 * from the claims first, and the signature then proves them (a forged
 * claim fails the signature like any other change). Any verification
 * failure means "not ours" (false positive); only an unreachable JWKS is an
 * error, so that the reporter retries instead of being told false positive.
 */
export class LeakedTokenVerifier implements LeakedTokenIdentifier {
  constructor(private readonly options: { readonly keys: VerificationKeys; readonly issuer: string }) {}

  async identify(token: string): Promise<LeakedToken | undefined> {
    const timing = unverifiedTiming(token);
    if (timing === undefined) return undefined;
    try {
      const { claims } = await verifyLimitedAccessToken(token, {
        jwks: this.options.keys,
        issuer: this.options.issuer,
        audience: timing.audience,
        now: new Date(timing.issuedAt * 1000),
      });
      return { jti: claims.jti, isvId: claims.isv, resourceId: canonicalResourceId(claims.aud), expiresAt: new Date(claims.exp * 1000) };
    } catch (error) {
      if (error instanceof TokenError && (error.code === 'TOKENS.JWKS_UNAVAILABLE' || error.code === 'TOKENS.JWKS_INVALID')) {
        throw new LeakIntakeError(
          'ABUSE.LEAK_VERIFICATION_UNAVAILABLE',
          'The issuer’s keys could not be fetched; retry later.',
          {},
          { cause: error },
        );
      }
      return undefined;
    }
  }
}
