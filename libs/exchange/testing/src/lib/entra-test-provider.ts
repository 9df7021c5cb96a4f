import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { entraIssuer, entraTokenClaims, type EntraAccessTokenRequest, type EntraTokenVersion } from './entra-token-claims';
import { close, listen, quietly } from './local-server';
import { loadOidcProvider, type OidcProvider, type OidcProviderConstructor } from './oidc-provider.loader';
import { generateRsaSigningKey, type RsaSigningKey } from './rsa-signing-key';

/** The client the harness itself uses at each provider's token endpoint (client_credentials). */
const MINTING_CLIENT = { client_id: 'c0ffee00-0000-4000-8000-0000000000e7', client_secret: 'entra-test-minter-secret-not-a-secret' } as const;
/** The resource indicator of every minted token; the audience comes from the request. */
const RESOURCE = 'urn:latchkey:entra-test:resource';
/** Names the pending {@link EntraAccessTokenRequest} a token request is for. */
const REF_HEADER = 'x-entra-test-request';
const VERSIONS: readonly EntraTokenVersion[] = ['1.0', '2.0'];

/** What the validator fetches from one issuer, counted so that tests can assert on caching. */
export interface EntraTestRequestCounts {
  readonly discovery: number;
  readonly jwks: number;
}

/** Options of {@link EntraTestProvider.start}. */
export interface EntraTestProviderOptions {
  /** Tenant ids (GUIDs); each gets a v1 and a v2 issuer. */
  readonly tenants: readonly string[];
  /** The default `aud` of minted access tokens (our API). */
  readonly audience: string;
}

interface Issuer {
  readonly tenantId: string;
  readonly version: EntraTokenVersion;
  readonly server: Server;
  readonly url: string;
}

/** The provider currently behind an issuer's server (replaced when its keys rotate) and its request handler. */
interface Running {
  readonly provider: OidcProvider;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * A real OpenID Connect provider (panva's `oidc-provider` 9) per Entra issuer, each on its own 127.0.0.1 port:
 * its `issuer` is the exact Entra string (`https://sts.windows.net/{tid}/`, `https://login.microsoftonline.com/{tid}/v2.0`)
 * while discovery and the JWKS are served over local http. Access tokens are JWTs the provider mints and signs
 * itself (client_credentials grant, resource indicators with `accessTokenFormat: 'jwt'`), reshaped into Entra's
 * claims by its JWT customizer. One RSA key per token version is shared by all tenants, as Entra does, so that
 * the tenant-independent ("common") JWKS of multi-tenant mode publishes the keys every tenant's tokens use,
 * each with its templated `issuer`.
 *
 * Development and test use only: the keys live in memory and the minting client's secret is in this file.
 */
export class EntraTestProvider {
  readonly #issuers = new Map<string, Issuer>();
  readonly #running = new Map<string, Running>();
  readonly #keys = new Map<EntraTokenVersion, RsaSigningKey[]>();
  readonly #counts = new Map<string, { discovery: number; jwks: number }>();
  readonly #pending = new Map<string, EntraAccessTokenRequest>();
  readonly #commonKeyIssuers = new Map<EntraTokenVersion, string | undefined>();
  #common: { server: Server; url: string } | undefined;
  #down = false;

  private constructor(
    private readonly Provider: OidcProviderConstructor,
    readonly audience: string,
  ) {}

  /** Starts one provider per (tenant, version) and the tenant-independent endpoints. */
  static async start(options: EntraTestProviderOptions): Promise<EntraTestProvider> {
    const harness = new EntraTestProvider(await loadOidcProvider(), options.audience);
    for (const version of VERSIONS) harness.#keys.set(version, [generateRsaSigningKey()]);
    for (const tenantId of options.tenants) {
      for (const version of VERSIONS) await harness.#startIssuer(tenantId.toLowerCase(), version);
    }
    harness.#common = await listen((req, res) => harness.#serveCommon(req, res));
    return harness;
  }

  /** The exact Entra issuer string of a tenant and version. */
  issuer(tenantId: string, version: EntraTokenVersion): string {
    return entraIssuer(tenantId, version);
  }

  /** The local discovery URL of one issuer (what the validator's per-tenant `metadataUrl` points at). */
  metadataUrl(tenantId: string, version: EntraTokenVersion): string {
    return `${this.#issuer(tenantId, version).url}/.well-known/openid-configuration`;
  }

  /**
   * The tenant-independent discovery URL of a version (Entra's `common`): its `issuer` is the template with
   * `{tenantid}`, and its JWKS keys carry that template as their own `issuer`.
   */
  commonMetadataUrl(version: EntraTokenVersion): string {
    return `${this.#commonUrl()}/common/${versionSegment(version)}/.well-known/openid-configuration`;
  }

  /**
   * Per-tenant trust entries (the validator's `LATCHKEY_EXCHANGE_ENTRA_TENANTS` shape) pointing at this
   * provider: one entry per tenant and version, since one metadata URL serves one version.
   */
  trustedTenants(
    tenantIds: readonly string[],
    versions: readonly EntraTokenVersion[] = VERSIONS,
  ): { tenantId: string; versions: EntraTokenVersion[]; metadataUrl: string }[] {
    return tenantIds.flatMap((tenantId) => versions.map((v) => ({ tenantId, versions: [v], metadataUrl: this.metadataUrl(tenantId, v) })));
  }

  /** Both tenant-independent discovery URLs, as the validator's multi-tenant `metadataUrls`. */
  commonMetadataUrls(): Record<EntraTokenVersion, string> {
    return { '1.0': this.commonMetadataUrl('1.0'), '2.0': this.commonMetadataUrl('2.0') };
  }

  /**
   * Replaces the `issuer` the common JWKS gives a version's keys (`undefined`: none): Entra also publishes
   * tenant-specific keys there, whose issuer names one tenant. `null` restores the `{tenantid}` template.
   */
  setCommonKeyIssuer(version: EntraTokenVersion, issuer: string | undefined | null): void {
    if (issuer === null) this.#commonKeyIssuers.delete(version);
    else this.#commonKeyIssuers.set(version, issuer);
  }

  /** The `kid` the provider currently signs with for a version. */
  currentKid(version: EntraTokenVersion): string {
    return this.#signingKeys(version)[0]?.kid ?? '';
  }

  /**
   * A real access token: requested from the issuer's token endpoint and signed by the provider with its JWKS.
   * Fails the test if the provider refuses.
   */
  async accessToken(request: EntraAccessTokenRequest): Promise<string> {
    const issuer = this.#issuer(request.tenant, request.version);
    const ref = randomUUID();
    this.#pending.set(ref, request);
    try {
      const response = await fetch(`${issuer.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', [REF_HEADER]: ref },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE, ...MINTING_CLIENT }),
      });
      const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!response.ok || body.access_token === undefined) {
        throw new Error(`the test provider refused to mint: ${body.error ?? response.status} ${body.error_description ?? ''}`);
      }
      return body.access_token;
    } finally {
      this.#pending.delete(ref);
    }
  }

  /**
   * A real ID token for the minting client, signed by the provider (its `aud` is that client's id; `nonce`,
   * `tid`, `oid`, `ver` as Entra writes them, and no `scp` or `roles`).
   */
  async idToken(request: Pick<EntraAccessTokenRequest, 'tenant' | 'version' | 'oid' | 'name' | 'username'>): Promise<string> {
    const { provider } = this.#runningFor(request.tenant, request.version);
    const client = await provider.Client.find(MINTING_CLIENT.client_id);
    if (client === undefined) throw new Error('the test provider lost its minting client');
    const token = new provider.IdToken({ sub: request.oid }, { client });
    token.scope = 'openid';
    const claims = entraTokenClaims({ ...request, appId: MINTING_CLIENT.client_id, audience: MINTING_CLIENT.client_id }, 'id');
    for (const [claim, value] of Object.entries(claims)) token.set(claim, value);
    token.set('nonce', randomUUID());
    return token.issue({ use: 'idtoken' });
  }

  /** The client id ID tokens are issued to (their `aud`): a GUID, as an Entra application's client id. */
  get idTokenAudience(): string {
    return MINTING_CLIENT.client_id;
  }

  /**
   * Rotates a version's signing key: the new key signs from now on and is published first; the previous one
   * stays published unless `retirePrevious`.
   */
  async rotateKeys(version: EntraTokenVersion, options: { readonly retirePrevious?: boolean } = {}): Promise<string> {
    const next = generateRsaSigningKey();
    const previous = options.retirePrevious ? [] : this.#signingKeys(version);
    this.#keys.set(version, [next, ...previous]);
    for (const issuer of this.#issuers.values()) {
      if (issuer.version === version) this.#run(issuer.tenantId, version);
    }
    return next.kid;
  }

  /** While on, discovery and JWKS requests (per-tenant and common) answer 503, as during an outage. */
  outage(on: boolean): void {
    this.#down = on;
  }

  /** Discovery and JWKS requests one issuer (or, with `'common'`, the tenant-independent endpoints) has served. */
  requests(tenantId: string | 'common', version: EntraTokenVersion): EntraTestRequestCounts {
    const counts = this.#counts.get(countKey(tenantId, version));
    return { discovery: counts?.discovery ?? 0, jwks: counts?.jwks ?? 0 };
  }

  /** Closes every server. */
  async stop(): Promise<void> {
    const servers = [...[...this.#issuers.values()].map((i) => i.server), ...(this.#common ? [this.#common.server] : [])];
    await Promise.all(servers.map(close));
    this.#issuers.clear();
  }

  async #startIssuer(tenantId: string, version: EntraTokenVersion): Promise<void> {
    this.#run(tenantId, version);
    const { server, url } = await listen((req, res) => {
      if (this.#intercepted(countKey(tenantId, version), req, res)) return;
      this.#runningFor(tenantId, version).handle(req, res);
    });
    this.#issuers.set(issuerKey(tenantId, version), { tenantId, version, server, url });
  }

  /** (Re)creates the provider of an issuer with the version's current keys. */
  #run(tenantId: string, version: EntraTokenVersion): void {
    const provider = this.#createProvider(tenantId, version);
    this.#running.set(issuerKey(tenantId, version), { provider, handle: provider.callback() });
  }

  #runningFor(tenantId: string, version: EntraTokenVersion): Running {
    const running = this.#running.get(issuerKey(tenantId.toLowerCase(), version));
    if (running === undefined) throw new Error(`the test provider serves no tenant ${tenantId} (v${version})`);
    return running;
  }

  #createProvider(tenantId: string, version: EntraTokenVersion): OidcProvider {
    const pending = (ctx: unknown): EntraAccessTokenRequest => {
      // oidc-provider passes only a grant's own parameters on, so the reference travels in a header.
      const ref = (ctx as { headers?: Record<string, unknown> }).headers?.[REF_HEADER];
      const request = typeof ref === 'string' ? this.#pending.get(ref) : undefined;
      if (request === undefined) throw new Error('token request without a pending Entra request');
      return request;
    };
    const provider = quietly(
      () =>
        new this.Provider(entraIssuer(tenantId, version), {
          clients: [{ ...MINTING_CLIENT, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
          jwks: { keys: this.#signingKeys(version).map((k) => k.privateJwk) },
          features: {
            devInteractions: { enabled: false },
            clientCredentials: { enabled: true },
            resourceIndicators: {
              enabled: true,
              defaultResource: () => RESOURCE,
              useGrantedResource: () => true,
              getResourceServerInfo: (ctx: unknown) => {
                const request = pending(ctx);
                return {
                  // Entra's permissions travel in scp/roles (the customizer), not in an OAuth scope.
                  scope: '',
                  audience: request.audience ?? this.audience,
                  accessTokenFormat: 'jwt',
                  accessTokenTTL: request.lifetimeSeconds ?? 3600,
                  jwt: { sign: { alg: 'RS256' } },
                };
              },
            },
          },
          formats: {
            customizers: {
              // oidc-provider writes RFC 9068 claims; Entra writes its own. Replace them, keeping what the provider
              // computed for time and audience, so the signed token looks like one from Entra.
              jwt: (ctx: unknown, _token: unknown, jwt: { header?: Record<string, unknown>; payload: Record<string, unknown> }) => {
                const request = pending(ctx);
                const { iat, exp, aud } = jwt.payload;
                jwt.payload = { aud, iss: entraIssuer(tenantId, version), iat, nbf: iat, exp, ...entraTokenClaims(request, 'access') };
                jwt.header = { typ: 'JWT', ...request.extraHeader };
              },
            },
          },
          ttl: {
            ClientCredentials: (ctx: unknown) => pending(ctx).lifetimeSeconds ?? 3600,
            IdToken: 3600,
          },
        }),
    );
    // A minting failure is a harness bug: say why instead of oidc-provider's bare "server_error".
    provider.on('server_error', (_ctx, error) => console.error('EntraTestProvider:', error));
    return provider;
  }

  /** Counts discovery and JWKS requests and answers 503 for them during an outage. */
  #intercepted(key: string, req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const kind = path.endsWith('/.well-known/openid-configuration') ? 'discovery' : path === '/jwks' || path.endsWith('/keys') ? 'jwks' : undefined;
    if (kind === undefined) return false;
    const counts = this.#counts.get(key) ?? { discovery: 0, jwks: 0 };
    counts[kind] += 1;
    this.#counts.set(key, counts);
    if (!this.#down) return false;
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '30' }).end('{"error":"temporarily_unavailable"}');
    return true;
  }

  /** The tenant-independent endpoints, served by hand: oidc-provider has no notion of a templated issuer. */
  #serveCommon(req: IncomingMessage, res: ServerResponse): void {
    const match = /^\/common\/(v1|v2)\/(\.well-known\/openid-configuration|discovery\/keys)$/.exec((req.url ?? '').split('?')[0] ?? '');
    const version: EntraTokenVersion | undefined = match?.[1] === 'v1' ? '1.0' : match?.[1] === 'v2' ? '2.0' : undefined;
    if (match === null || version === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (this.#intercepted(countKey('common', version), req, res)) return;
    const template = entraIssuer('{tenantid}', version);
    const keyIssuer = this.#commonKeyIssuers.has(version) ? this.#commonKeyIssuers.get(version) : template;
    const body =
      match[2] === 'discovery/keys'
        ? { keys: this.#signingKeys(version).map((k) => ({ ...k.publicJwk, ...(keyIssuer === undefined ? {} : { issuer: keyIssuer }) })) }
        : {
            issuer: template,
            jwks_uri: `${this.#commonUrl()}/common/${versionSegment(version)}/discovery/keys`,
            id_token_signing_alg_values_supported: ['RS256'],
          };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  #issuer(tenantId: string, version: EntraTokenVersion): Issuer {
    const issuer = this.#issuers.get(issuerKey(tenantId.toLowerCase(), version));
    if (issuer === undefined) throw new Error(`the test provider serves no tenant ${tenantId} (v${version})`);
    return issuer;
  }

  #signingKeys(version: EntraTokenVersion): RsaSigningKey[] {
    return this.#keys.get(version) ?? [];
  }

  #commonUrl(): string {
    if (this.#common === undefined) throw new Error('the test provider is not started');
    return this.#common.url;
  }
}

function issuerKey(tenantId: string, version: EntraTokenVersion): string {
  return `${tenantId}|${version}`;
}

function countKey(tenantId: string, version: EntraTokenVersion): string {
  return `${tenantId.toLowerCase()}|${version}`;
}

function versionSegment(version: EntraTokenVersion): 'v1' | 'v2' {
  return version === '1.0' ? 'v1' : 'v2';
}
