import { createHash } from 'node:crypto';

/** Entra's access token versions (`ver`). */
export type EntraTokenVersion = '1.0' | '2.0';

/** Microsoft Graph's application id: the `aud` of a Graph token (v1 tokens may say `https://graph.microsoft.com`). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** What {@link EntraTestProvider.accessToken} mints. */
export interface EntraAccessTokenRequest {
  /** The tenant id (`tid`), one the provider serves. */
  readonly tenant: string;
  readonly version: EntraTokenVersion;
  /** The object id (`oid`) of the user, or of the service principal for an app-only token. */
  readonly oid: string;
  /** The calling application: `azp` (v2) or `appid` (v1). */
  readonly appId: string;
  /** Delegated permissions: `scp`, space-separated. */
  readonly scopes?: readonly string[];
  /** App roles: `roles`. */
  readonly roles?: readonly string[];
  /** An app-only token: `idtyp: app`, `sub` = `oid`, no user names. */
  readonly appOnly?: boolean;
  /** `aud`; default the provider's audience. */
  readonly audience?: string;
  /** Default 3 600. */
  readonly lifetimeSeconds?: number;
  readonly name?: string;
  readonly username?: string;
  /** Claims added or replaced (e.g. a `tid` that disagrees with `iss`); the provider still signs the token. */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
  /** Claims removed (e.g. `tid`). */
  readonly omitClaims?: readonly string[];
  /** Header members added (e.g. Graph's `nonce`); the provider still signs the token. */
  readonly extraHeader?: Readonly<Record<string, unknown>>;
}

/** The exact Entra issuer string: `https://sts.windows.net/{tid}/` (v1) or `https://login.microsoftonline.com/{tid}/v2.0` (v2). */
export function entraIssuer(tenantId: string, version: EntraTokenVersion): string {
  return version === '1.0' ? `https://sts.windows.net/${tenantId}/` : `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

/**
 * The Entra-specific claims of a token (everything but `aud`, `iss`, `iat`, `nbf`, `exp`, which the provider
 * sets), per the v1 and v2 claim references: `tid`, `oid`, `sub`, `ver`, `uti`, the calling app (`azp`/`azpacr`
 * or `appid`/`appidacr`), `scp` or `roles`, `idtyp: app` for app-only tokens, and the display names
 * (`name`; `preferred_username` in v2, `unique_name`/`upn` in v1).
 */
export function entraTokenClaims(request: EntraAccessTokenRequest, kind: 'access' | 'id'): Record<string, unknown> {
  const v1 = request.version === '1.0';
  const claims: Record<string, unknown> = {
    tid: request.tenant,
    oid: request.oid,
    sub: request.appOnly ? request.oid : pairwise(request.oid, request.appId),
    ver: request.version,
    uti: createHash('sha256').update(`${Date.now()}|${Math.random()}`).digest('base64url').slice(0, 22),
  };
  if (kind === 'access') {
    Object.assign(claims, v1 ? { appid: request.appId, appidacr: '1' } : { azp: request.appId, azpacr: '1' });
    if (request.scopes !== undefined && request.scopes.length > 0) claims['scp'] = request.scopes.join(' ');
    if (request.roles !== undefined && request.roles.length > 0) claims['roles'] = [...request.roles];
    if (request.appOnly) claims['idtyp'] = 'app';
  }
  if (!request.appOnly) {
    claims['name'] = request.name ?? 'Test User';
    const username = request.username ?? `user-${request.oid.slice(0, 8)}@contoso.example`;
    Object.assign(claims, v1 ? { unique_name: username, upn: username } : { preferred_username: username });
  }
  for (const claim of request.omitClaims ?? []) delete claims[claim];
  return { ...claims, ...request.extraClaims };
}

/** A stable pairwise-looking `sub` for a user of an app, as Entra derives one. */
function pairwise(oid: string, appId: string): string {
  return createHash('sha256').update(`${oid}|${appId}`).digest('base64url').slice(0, 43);
}
