import type { InternalAccessTokenClaims } from '@latchkey/contracts';

/** Who a decision is about: the kinds the decision API takes from a token. */
export interface RbacSubject {
  readonly kind: 'person' | 'application';
  readonly id: string;
}

/**
 * The subject of an internal access token. RFC 9068 §2.2: a token obtained
 * with no resource owner (client credentials) has as `sub` the client's own
 * identifier, so a token whose `sub` equals its `client_id` is the
 * application's own (app-only) and is decided as that application; any
 * other token is its person's. The exchange maps a person for every Entra
 * principal today (service principals included, by `tid` + `oid`), so its
 * app-only tokens are decided as that person until it mints them with
 * `sub = client_id`; nothing here changes then. Person ids and client ids
 * are both assigned by the platform, so a collision cannot be asked for.
 */
export function subjectOf(claims: Pick<InternalAccessTokenClaims, 'sub' | 'client_id'>): RbacSubject {
  return claims.sub === claims.client_id ? { kind: 'application', id: claims.client_id } : { kind: 'person', id: claims.sub };
}
