import type { RemoteJwks } from '@latchkey/tokens';

/** Provider token of the guard's {@link RbacGuardSettings}. */
export const RBAC_GUARD_SETTINGS = Symbol('latchkey:rbacGuardSettings');

/** What RbacGuard needs beyond its collaborators, resolved once from the service's options and the config slice. */
export interface RbacGuardSettings {
  /** The service, for the 401 challenge's realm and logs. */
  readonly service: string;
  /** The exchange's keys (`LATCHKEY_RBAC_EXCHANGE_JWKS_URL`). */
  readonly keys: RemoteJwks;
  /** Told after everything that may have fetched `keys` (warm-up, verification): `latchkey.jwks.refreshes` {source: exchange}. */
  readonly keyRefreshes: { observe(): void };
  /** The exchange's `iss`. */
  readonly issuer: string;
  /** This service's `aud`. */
  readonly audience: string;
  /** The `aud` of tokens for the admin APIs (`@AdminApi()` handlers), the same in every service. */
  readonly adminAudience: string;
  readonly clockToleranceSeconds: number;
  /** How long the change feed may be stale before cached decisions are not used. */
  readonly maxStalenessMs: number;
}
