import { z } from 'zod';
import { ClientId, Guid, Jti, PersonId } from '../shared/ids';
import { NumericDate } from './numeric-date';

/**
 * The JOSE `typ` of an internal access token (RFC 9068 §2.1), minted by the
 * exchange and by `issueToken`. Distinct from {@link LAT_TYP}, so a LAT is
 * never accepted as an access token nor the reverse.
 */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** RFC 6749 §3.3 scope-token characters. */
const SCOPE_TOKEN = '[\\x21\\x23-\\x5b\\x5d-\\x7e]+';

/** One OAuth scope value, e.g. `reports.read`. */
export const ScopeToken = z
  .string()
  .max(128)
  .regex(new RegExp(`^${SCOPE_TOKEN}$`));

/** An OAuth `scope` claim: space-separated scope tokens (RFC 9068 §2.2.3). */
export const ScopeClaim = z
  .string()
  .max(2048)
  .regex(new RegExp(`^${SCOPE_TOKEN}( ${SCOPE_TOKEN})*$`));

/**
 * The claims of an internal access token (ARCHITECTURE.md "Token
 * profiles"): `sub` is the person, `client_id` the OAuth application,
 * `oid`/`tid` the Entra identity it was exchanged from and `src_uti` the
 * source token's `uti`, so that revocation cascades along the lineage.
 * `exp` is never later than the source token's (checked by the issuer,
 * which knows it).
 */
export const InternalAccessTokenClaimsSchema = z
  .object({
    iss: z.string().min(1).max(256),
    aud: z.string().min(1).max(256),
    sub: PersonId,
    client_id: ClientId,
    scope: ScopeClaim,
    oid: Guid,
    tid: Guid,
    src_uti: z.string().min(1).max(128).optional(),
    iat: NumericDate,
    exp: NumericDate,
    jti: Jti,
  })
  .refine((c) => c.exp > c.iat, { message: 'exp must be after iat', path: ['exp'] });

/** The claims of an internal access token. */
export type InternalAccessTokenClaims = z.infer<typeof InternalAccessTokenClaimsSchema>;
