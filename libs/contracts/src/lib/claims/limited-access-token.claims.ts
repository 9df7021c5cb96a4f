import { z } from 'zod';
import { AzureResourceId } from '../shared/azure-resource-id';
import { FeatureFlagSet } from '../shared/feature-flag';
import { IsvId, Jti, JwkThumbprint } from '../shared/ids';
import { NumericDate } from './numeric-date';

/**
 * The JOSE `typ` of a limited access token. Explicit, so that no other
 * profile (an access token, an ID token) is ever accepted as a LAT.
 */
export const LAT_TYP = 'lat+jwt';

/** Shortest LAT lifetime in seconds the issuer grants (`expiredTime` of the issue call). */
export const LAT_LIFETIME_MIN_SECONDS = 60;
/** Longest LAT lifetime in seconds; verifiers refuse a token claiming more. */
export const LAT_LIFETIME_MAX_SECONDS = 86_400;
/** LAT lifetime in seconds when the issue call names none. */
export const LAT_LIFETIME_DEFAULT_SECONDS = 3_600;

/**
 * The claims of a limited access token (ARCHITECTURE.md "Token profiles").
 * `aud` and `sub` are the client's resource id, one string (never an
 * array: a LAT is good for exactly one resource). `cnf.jkt` binds a
 * sender-constrained token to a DPoP key (RFC 9449 §6.1). Unknown claims
 * are stripped, not refused, so the issuer may add claims.
 */
export const LimitedAccessTokenClaimsSchema = z
  .object({
    iss: z.string().min(1).max(256),
    aud: AzureResourceId,
    sub: AzureResourceId,
    isv: IsvId,
    features: FeatureFlagSet,
    iat: NumericDate,
    nbf: NumericDate,
    exp: NumericDate,
    jti: Jti,
    cnf: z
      .object({ jkt: JwkThumbprint })
      .optional(),
  })
  .refine((c) => c.exp > c.nbf && c.exp > c.iat, { message: 'exp must be after iat and nbf', path: ['exp'] })
  .refine((c) => c.exp - c.iat <= LAT_LIFETIME_MAX_SECONDS, {
    message: `lifetime exceeds ${LAT_LIFETIME_MAX_SECONDS} seconds`,
    path: ['exp'],
  });

/** The claims of a limited access token. */
export type LimitedAccessTokenClaims = z.infer<typeof LimitedAccessTokenClaimsSchema>;
