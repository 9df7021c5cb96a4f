import { z } from 'zod';
import { ENTRA_TOKEN_VERSIONS, GUID } from './entra.config';

const guid = z
  .string()
  .regex(GUID)
  .transform((value) => value.toLowerCase());
const text = (max: number) => z.string().min(1).max(max);
const epochSeconds = z.number().int().nonnegative();

/**
 * The claims of an Entra access token the exchange reads, checked after the signature (WIRE.md §3). `name`,
 * `preferred_username`, `unique_name` and `upn` are read for display only: never to authorize, never as a key.
 */
export const EntraAccessTokenClaimsSchema = z.object({
  iss: z.string(),
  aud: z.string(),
  tid: guid,
  oid: guid,
  sub: text(256),
  ver: z.enum(ENTRA_TOKEN_VERSIONS),
  exp: epochSeconds,
  iat: epochSeconds,
  nbf: epochSeconds.optional(),
  azp: text(256).optional(),
  appid: text(256).optional(),
  idtyp: z.string().optional(),
  scp: z.string().max(4096).optional(),
  roles: z.array(text(256)).max(512).optional(),
  uti: text(256).optional(),
  jti: text(256).optional(),
  name: z.string().max(512).optional(),
  preferred_username: z.string().max(512).optional(),
  unique_name: z.string().max(512).optional(),
  upn: z.string().max(512).optional(),
});
/** The parsed claims of {@link EntraAccessTokenClaimsSchema}. */
export type EntraAccessTokenClaims = z.output<typeof EntraAccessTokenClaimsSchema>;
