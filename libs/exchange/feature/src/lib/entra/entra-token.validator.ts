import { parseCompactJws, verifyRs256, type UnverifiedJws } from './compact-jws';
import { EntraAccessTokenClaimsSchema, type EntraAccessTokenClaims } from './entra-claims.schema';
import { EntraIssuerTrust, TENANT_PLACEHOLDER, type IssuerRoute } from './entra-issuer-trust';
import type { EntraSigningKey } from './entra-key-source';
import type { EntraPrincipal } from './entra-principal';
import { EntraTokenError } from './entra-token.errors';
import type { EntraConfig, EntraTokenVersion, TrustedTenant } from './entra.config';

/** Largest token accepted, checked before any parsing. Entra tokens with many groups or roles reach 5–8 KiB. */
export const MAX_ENTRA_TOKEN_LENGTH = 16 * 1024;

/** Microsoft Graph's audiences: a Graph token presented here was obtained for the wrong resource. */
const GRAPH_AUDIENCES: ReadonlySet<string> = new Set([
  '00000003-0000-0000-c000-000000000000',
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
]);
const WRONG_API = 'token audience must be this API';

/** Header members that name a key or where to get one: keys come only from the issuer's discovery document. */
const KEY_POINTERS = ['jku', 'jwk', 'x5u', 'x5c'] as const;

/** What an {@link EntraTokenValidator} trusts and how it keeps keys. */
export interface EntraTokenValidatorOptions {
  /** A token's `aud` must equal one of these. */
  readonly audiences: readonly string[];
  /** Tenants trusted one by one. */
  readonly tenants: readonly TrustedTenant[];
  /** Tenants trusted through the tenant-independent metadata; off when `allowedTenants` is empty. */
  readonly multiTenant?: {
    readonly allowedTenants: readonly string[];
    readonly versions: readonly EntraTokenVersion[];
    readonly metadataUrls: Readonly<Record<EntraTokenVersion, string>>;
  };
  /** Default 30 000. */
  readonly keysCooldownMs?: number;
  /** Default 86 400 000 (Microsoft: refresh daily). */
  readonly keysMaxAgeMs?: number;
  /** Default 5 000. */
  readonly fetchTimeoutMs?: number;
  /** Default 60. */
  readonly clockToleranceSeconds?: number;
  /** The clock (times, cache ages, cooldowns); default the system clock. */
  readonly now?: () => Date;
}

/**
 * Validates Microsoft Entra ID access tokens presented to the exchange (docs/EXCHANGE.md "Entra ID access
 * tokens"), in this order: size; compact JWS; a Microsoft Graph token (`nonce` header or Graph `aud`) refused
 * with a clear message; `alg` pinned to RS256, a `kid`, no `crit` and no key-pointing header; the issuer (trusted
 * tenant and version, or multi-tenant allow-list) and its keys; the key's own `issuer` (tenant-independent
 * keys); the signature; `exp`/`nbf`/`iat` with the clock tolerance; `aud`; an access token (`scp` or `roles`, no
 * `nonce`); the claims schema; `ver` and `tid` agreeing with the issuer; the calling app (`azp`/`appid`).
 * Throws {@link EntraTokenError}; the token itself never appears in an error.
 */
export class EntraTokenValidator {
  readonly #trust: EntraIssuerTrust;
  readonly #audiences: ReadonlySet<string>;
  readonly #toleranceSeconds: number;
  readonly #now: () => Date;

  constructor(options: EntraTokenValidatorOptions) {
    this.#now = options.now ?? (() => new Date());
    this.#audiences = new Set(options.audiences);
    this.#toleranceSeconds = options.clockToleranceSeconds ?? 60;
    this.#trust = new EntraIssuerTrust({
      tenants: options.tenants,
      multiTenant: options.multiTenant ?? { allowedTenants: [], versions: [], metadataUrls: { '1.0': '', '2.0': '' } },
      keys: {
        cooldownMs: options.keysCooldownMs ?? 30_000,
        maxAgeMs: options.keysMaxAgeMs ?? 86_400_000,
        timeoutMs: options.fetchTimeoutMs ?? 5000,
        now: () => this.#now().getTime(),
      },
    });
  }

  /** A validator configured by the `exchange-entra` config slice. */
  static fromConfig(config: EntraConfig, now?: () => Date): EntraTokenValidator {
    return new EntraTokenValidator({
      audiences: config.LATCHKEY_EXCHANGE_ENTRA_AUDIENCES,
      tenants: config.LATCHKEY_EXCHANGE_ENTRA_TENANTS,
      multiTenant: {
        allowedTenants: config.LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_ALLOWED_TENANTS,
        versions: config.LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_VERSIONS,
        metadataUrls: {
          '1.0': config.LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_METADATA_URL_V1,
          '2.0': config.LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_METADATA_URL_V2,
        },
      },
      keysCooldownMs: config.LATCHKEY_EXCHANGE_ENTRA_KEYS_COOLDOWN_MS,
      keysMaxAgeMs: config.LATCHKEY_EXCHANGE_ENTRA_KEYS_MAX_AGE_MS,
      fetchTimeoutMs: config.LATCHKEY_EXCHANGE_ENTRA_FETCH_TIMEOUT_MS,
      clockToleranceSeconds: config.LATCHKEY_EXCHANGE_ENTRA_CLOCK_TOLERANCE_SECONDS,
      now,
    });
  }

  /**
   * Fetches every trusted issuer's keys (at startup, before reporting ready); whether all of them are known.
   * Never throws: an issuer that is down is fetched again at its first token.
   */
  async warmUp(): Promise<boolean> {
    const results = await Promise.all(this.#trust.sources.map((source) => source.warmUp()));
    return results.every(Boolean);
  }

  /**
   * The principal of a valid Entra access token for this API.
   *
   * @throws EntraTokenError with an `EXCHANGE.*` code (see docs/EXCHANGE.md for each)
   */
  async validate(token: string): Promise<EntraPrincipal> {
    if (typeof token !== 'string' || token.length === 0) throw new EntraTokenError('EXCHANGE.TOKEN_MISSING', 'no token');
    if (token.length > MAX_ENTRA_TOKEN_LENGTH) {
      throw new EntraTokenError('EXCHANGE.TOKEN_TOO_LARGE', `the token exceeds ${MAX_ENTRA_TOKEN_LENGTH} characters`, { length: token.length });
    }
    const jws = parseCompactJws(token);
    if (jws === undefined) throw new EntraTokenError('EXCHANGE.TOKEN_MALFORMED', 'the token is not a compact JWS of JSON objects');
    // Before the signature: a Graph token cannot be verified by a third party (its signature covers a hash of
    // the nonce), and "bad signature" would send the caller looking in the wrong place.
    if (Object.hasOwn(jws.header, 'nonce') || (typeof jws.payload['aud'] === 'string' && GRAPH_AUDIENCES.has(jws.payload['aud']))) {
      throw new EntraTokenError('EXCHANGE.WRONG_AUDIENCE', WRONG_API, { graph: true });
    }
    const kid = checkHeader(jws);
    const route = this.#trust.route(jws.payload['iss'], jws.payload['tid']);
    const key = await this.#signingKey(route, kid);
    checkKeyIssuer(route, key, jws.payload);
    if (!verifyRs256(jws, key.key)) throw new EntraTokenError('EXCHANGE.BAD_SIGNATURE', 'the signature does not verify', { kid });

    this.#checkTimes(jws.payload);
    this.#checkAudience(jws.payload);
    checkAccessToken(jws.payload);
    const parsed = EntraAccessTokenClaimsSchema.safeParse(jws.payload);
    if (!parsed.success) {
      const claims = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '(root)')))].join(', ');
      throw new EntraTokenError('EXCHANGE.CLAIMS_INVALID', `the token claims are invalid: ${claims}`, { kid });
    }
    return principal(parsed.data, route);
  }

  async #signingKey(route: IssuerRoute, kid: string): Promise<EntraSigningKey> {
    const found = await route.keys.lookup(kid);
    switch (found.status) {
      case 'found':
        return found.key;
      case 'unknown':
        throw new EntraTokenError('EXCHANGE.SIGNING_KEY_UNKNOWN', 'the issuer publishes no key with the token kid', { kid, tid: route.tenantId });
      case 'unavailable':
        throw new EntraTokenError(
          'EXCHANGE.JWKS_UNAVAILABLE',
          "the identity provider's signing keys cannot be fetched right now; try again later",
          { tid: route.tenantId },
          { retryAfterSeconds: found.retryAfterSeconds },
        );
    }
  }

  #checkTimes(payload: UnverifiedJws['payload']): void {
    const now = this.#now().getTime() / 1000;
    const { exp, nbf, iat } = payload;
    if (typeof exp !== 'number') throw new EntraTokenError('EXCHANGE.CLAIMS_INVALID', 'the token has no exp');
    if (now > exp + this.#toleranceSeconds) throw new EntraTokenError('EXCHANGE.EXPIRED', 'the token has expired');
    if (nbf !== undefined && typeof nbf !== 'number') throw new EntraTokenError('EXCHANGE.CLAIMS_INVALID', 'the token nbf is not a time');
    if ((typeof nbf === 'number' && nbf > now + this.#toleranceSeconds) || (typeof iat === 'number' && iat > now + this.#toleranceSeconds)) {
      throw new EntraTokenError('EXCHANGE.NOT_YET_VALID', 'the token is not valid yet');
    }
  }

  #checkAudience(payload: UnverifiedJws['payload']): void {
    // Entra writes one audience, as a string; an array is not an Entra access token for us.
    const aud = payload['aud'];
    if (typeof aud !== 'string' || !this.#audiences.has(aud)) throw new EntraTokenError('EXCHANGE.WRONG_AUDIENCE', WRONG_API);
  }
}

/** The header of an Entra access token: RS256, a `kid`, nothing that names a key, no critical extension. */
function checkHeader(jws: UnverifiedJws): string {
  const { alg, kid } = jws.header;
  // `none`, HS256 (the public key used as an HMAC secret) and every other algorithm: not a signature we accept.
  if (alg !== 'RS256') throw new EntraTokenError('EXCHANGE.BAD_SIGNATURE', 'the signature algorithm is not RS256');
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256)
    throw new EntraTokenError('EXCHANGE.TOKEN_MALFORMED', 'the token header names no kid');
  const pointer = KEY_POINTERS.find((name) => Object.hasOwn(jws.header, name));
  if (pointer !== undefined) {
    throw new EntraTokenError('EXCHANGE.TOKEN_MALFORMED', `the token header carries "${pointer}": keys come only from the issuer metadata`);
  }
  // RFC 7515 §4.1.11: an extension we do not understand listed as critical makes the token invalid.
  if (Object.hasOwn(jws.header, 'crit')) throw new EntraTokenError('EXCHANGE.TOKEN_MALFORMED', 'the token header lists critical extensions');
  return kid;
}

/**
 * WIRE.md §3 multi-tenant issuer validation, steps 1–3: the key's own `issuer`, with `{tenantid}` replaced by
 * the token's `tid`, must equal `iss` exactly (a tenant-independent key without one vouches for no tenant). A
 * per-tenant key that carries an `issuer` is held to the same rule.
 */
function checkKeyIssuer(route: IssuerRoute, key: EntraSigningKey, payload: UnverifiedJws['payload']): void {
  if (key.issuer === undefined && !route.multiTenant) return;
  const tid = typeof payload['tid'] === 'string' ? payload['tid'] : '';
  if (key.issuer === undefined || key.issuer.split(TENANT_PLACEHOLDER).join(tid) !== payload['iss']) {
    throw new EntraTokenError('EXCHANGE.ISSUER_UNTRUSTED', "the signing key's issuer is not the token issuer", { kid: key.kid });
  }
}

/** ID tokens (a `nonce`, no permissions) and tokens without `scp` or `roles` grant nothing to exchange. */
function checkAccessToken(payload: UnverifiedJws['payload']): void {
  if (Object.hasOwn(payload, 'nonce')) throw new EntraTokenError('EXCHANGE.NOT_ACCESS_TOKEN', 'an ID token is not an access token');
  const scp = payload['scp'];
  const roles = payload['roles'];
  const hasScopes = typeof scp === 'string' && scp.trim().length > 0;
  const hasRoles = Array.isArray(roles) && roles.length > 0;
  if (!hasScopes && !hasRoles) throw new EntraTokenError('EXCHANGE.NOT_ACCESS_TOKEN', 'the token carries neither scp nor roles');
}

function principal(claims: EntraAccessTokenClaims, route: IssuerRoute): EntraPrincipal {
  if (claims.ver !== route.version) throw new EntraTokenError('EXCHANGE.CLAIMS_INVALID', `the token ver is not ${route.version}, its issuer's`);
  if (claims.tid !== route.tenantId)
    throw new EntraTokenError('EXCHANGE.ISSUER_UNTRUSTED', 'the token tid is not its issuer tenant', { tid: claims.tid });
  const appId = claims.ver === '2.0' ? claims.azp : claims.appid;
  if (appId === undefined)
    throw new EntraTokenError('EXCHANGE.CLAIMS_INVALID', `the token names no calling application (${claims.ver === '2.0' ? 'azp' : 'appid'})`);
  const scopes = (claims.scp ?? '').split(' ').filter((s) => s.length > 0);
  const roles = claims.roles ?? [];
  return {
    tenantId: claims.tid,
    objectId: claims.oid,
    version: claims.ver,
    issuer: claims.iss,
    appId,
    appOnly: claims.idtyp !== undefined ? claims.idtyp === 'app' : scopes.length === 0 && roles.length > 0 && claims.oid === claims.sub.toLowerCase(),
    scopes,
    roles,
    sourceTokenId: claims.uti ?? claims.jti ?? null,
    displayName: claims.name ?? null,
    username: (claims.ver === '2.0' ? claims.preferred_username : (claims.unique_name ?? claims.upn)) ?? null,
    expiresAt: new Date(claims.exp * 1000),
    issuedAt: new Date(claims.iat * 1000),
  };
}
