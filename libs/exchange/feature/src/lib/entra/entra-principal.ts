import type { EntraTokenVersion } from './entra.config';

/**
 * Who presented a validated Entra access token. Identity is (`tenantId`, `objectId`); `displayName` and
 * `username` are for display only and never authorize anything.
 */
export interface EntraPrincipal {
  /** `tid`, lower case. */
  readonly tenantId: string;
  /** `oid`, lower case: the user, or the calling app's service principal for an app-only token. */
  readonly objectId: string;
  readonly version: EntraTokenVersion;
  readonly issuer: string;
  /** The calling application: `azp` (v2) or `appid` (v1). */
  readonly appId: string;
  /**
   * An app-only token (no user): `idtyp` is `app`; or, for tokens without the optional `idtyp` claim, no `scp`,
   * some `roles`, and `oid` equal to `sub` (an app's service principal is its own subject; a user's `sub` is
   * pairwise, never the `oid`).
   */
  readonly appOnly: boolean;
  /** `scp` split on spaces (delegated permissions). */
  readonly scopes: readonly string[];
  /** `roles` (application permissions, or app roles of a user). */
  readonly roles: readonly string[];
  /** `uti`, else `jti`: the source token's id. */
  readonly sourceTokenId: string | null;
  /** `name`: display only. */
  readonly displayName: string | null;
  /** `preferred_username` (v2), `unique_name` or `upn` (v1): display only, never used to authorize. */
  readonly username: string | null;
  readonly expiresAt: Date;
  readonly issuedAt: Date;
}
