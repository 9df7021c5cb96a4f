import type { ExchangeErrorCode } from '@latchkey/contracts';
import type { OAuthApplication, ProvisioningMode } from '@latchkey/exchange/data-access';

/**
 * What the Entra token validator established about the caller. Only these
 * claims decide: never `email`, `upn`, `preferred_username` or `unique_name`.
 */
export interface PrincipalFacts {
  /** `tid`. */
  readonly tenantId: string;
  /** `oid`: the user, or for an app-only token the calling service principal. */
  readonly objectId: string;
  /** `azp` (v2) or `appid` (v1): the Entra application the token was issued to; null when the token names none. */
  readonly appId: string | null;
  /** `idtyp=app`, or no `scp` but `roles`: no user behind the token. */
  readonly appOnly: boolean;
  /** `scp`, split. */
  readonly scopes: readonly string[];
  /** `roles`. */
  readonly roles: readonly string[];
}

/** The parts of an OAuth application a decision reads. */
export type ApplicationPolicy = Pick<
  OAuthApplication,
  | 'clientId'
  | 'enabled'
  | 'scopes'
  | 'tokenLifetimeSeconds'
  | 'allowedTenantIds'
  | 'allowedSourceAppIds'
  | 'appOnlyPolicy'
  | 'requireClientMatch'
  | 'provisioning'
>;

/** Why an application refuses a principal or a request. */
export type ApplicationRefusal = Extract<
  ExchangeErrorCode,
  | 'EXCHANGE.CLIENT_UNKNOWN'
  | 'EXCHANGE.CLIENT_DISABLED'
  | 'EXCHANGE.SOURCE_TENANT_NOT_ALLOWED'
  | 'EXCHANGE.APP_ONLY_NOT_ALLOWED'
  | 'EXCHANGE.CLIENT_MISMATCH'
  | 'EXCHANGE.SOURCE_APP_NOT_ALLOWED'
  | 'EXCHANGE.PROVISIONING_DENIED'
  | 'EXCHANGE.SCOPE_NOT_ALLOWED'
>;

/** What an application grants: the scopes (requested ∩ allowed, in request order), their permissions, and how to treat the person. */
export interface ApplicationGrant {
  readonly ok: true;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The union of the granted scopes' permissions, sorted, each once. */
  readonly permissions: readonly string[];
  /** The internal token lives at most this long (and never past the source token). */
  readonly lifetimeSeconds: number;
  /** How the exchange maps the person (`IdentityRepository.findOrCreate`). */
  readonly provisioning: ProvisioningMode;
}

/** One of the refusals, by its stable code. */
export interface ApplicationDenial {
  readonly ok: false;
  readonly code: ApplicationRefusal;
}

const sameGuid = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const listed = (list: readonly string[], value: string): boolean => list.some((entry) => sameGuid(entry, value));

/**
 * Decides, without I/O, whether OAuth application `app` (undefined: the
 * `client_id` names none) exchanges for `principal` and which of
 * `requestedScopes` it grants. The checks run from the application to the
 * principal to the request, so the reason names the first closed door:
 *
 * 1. unknown, then disabled application;
 * 2. source tenant outside a non-empty allow-list;
 * 3. app-only token when the policy is `deny`;
 * 4. `client_id` other than the token's `azp`/`appid` when the application requires the match;
 * 5. source app outside a non-empty allow-list (a token without `azp`/`appid` is outside it);
 * 6. a person (not app-only) when provisioning is `deny`: the application maps nobody;
 * 7. no requested scope the application allows.
 */
export function decideApplication(
  app: ApplicationPolicy | undefined,
  principal: PrincipalFacts,
  requestedScopes: readonly string[],
): ApplicationGrant | ApplicationDenial {
  const deny = (code: ApplicationRefusal): ApplicationDenial => ({ ok: false, code });
  if (!app) return deny('EXCHANGE.CLIENT_UNKNOWN');
  if (!app.enabled) return deny('EXCHANGE.CLIENT_DISABLED');
  if (app.allowedTenantIds.length > 0 && !listed(app.allowedTenantIds, principal.tenantId)) return deny('EXCHANGE.SOURCE_TENANT_NOT_ALLOWED');
  if (principal.appOnly && app.appOnlyPolicy !== 'allow') return deny('EXCHANGE.APP_ONLY_NOT_ALLOWED');
  if (app.requireClientMatch && (principal.appId === null || !sameGuid(principal.appId, app.clientId))) return deny('EXCHANGE.CLIENT_MISMATCH');
  if (app.allowedSourceAppIds.length > 0 && (principal.appId === null || !listed(app.allowedSourceAppIds, principal.appId))) {
    return deny('EXCHANGE.SOURCE_APP_NOT_ALLOWED');
  }
  if (!principal.appOnly && app.provisioning === 'deny') return deny('EXCHANGE.PROVISIONING_DENIED');

  // Own keys only: a requested scope such as `constructor` or `__proto__` must not reach Object.prototype.
  const granted = [...new Set(requestedScopes)].filter((scope) => Object.hasOwn(app.scopes, scope));
  if (granted.length === 0) return deny('EXCHANGE.SCOPE_NOT_ALLOWED');
  const permissions = [...new Set(granted.flatMap((scope) => app.scopes[scope] ?? []))].sort();
  return {
    ok: true,
    clientId: app.clientId,
    scopes: granted,
    permissions,
    lifetimeSeconds: app.tokenLifetimeSeconds,
    provisioning: app.provisioning,
  };
}
