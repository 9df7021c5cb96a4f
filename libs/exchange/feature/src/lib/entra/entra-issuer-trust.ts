import { EntraKeySource, type EntraKeySourceOptions } from './entra-key-source';
import { GUID, type EntraTokenVersion, type TrustedTenant } from './entra.config';
import { EntraTokenError } from './entra-token.errors';

/** The tenant placeholder of tenant-independent issuers and keys. */
export const TENANT_PLACEHOLDER = '{tenantid}';

/** The exact Entra issuer of a tenant and version (WIRE.md §3). */
export function entraIssuer(tenantId: string, version: EntraTokenVersion): string {
  return version === '1.0' ? `https://sts.windows.net/${tenantId}/` : `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

/** Microsoft's per-tenant discovery document of a version (WIRE.md §3). */
export function entraMetadataUrl(tenantId: string, version: EntraTokenVersion): string {
  return version === '1.0'
    ? `https://login.microsoftonline.com/${tenantId}/.well-known/openid-configuration`
    : `https://login.microsoftonline.com/${tenantId}/v2.0/.well-known/openid-configuration`;
}

const V1_ISSUER = /^https:\/\/sts\.windows\.net\/([^/]+)\/$/;
const V2_ISSUER = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0$/;

/** Where a token's keys come from and what its issuer was matched against. */
export interface IssuerRoute {
  readonly version: EntraTokenVersion;
  readonly tenantId: string;
  readonly keys: EntraKeySource;
  /** Tenant-independent keys: the key's own `issuer`, with `{tenantid}` replaced by `tid`, must equal `iss`. */
  readonly multiTenant: boolean;
}

/** What {@link EntraIssuerTrust} is built from. */
export interface EntraTrustOptions {
  readonly tenants: readonly TrustedTenant[];
  readonly multiTenant: {
    readonly allowedTenants: readonly string[];
    readonly versions: readonly EntraTokenVersion[];
    readonly metadataUrls: Readonly<Record<EntraTokenVersion, string>>;
  };
  readonly keys: EntraKeySourceOptions;
}

/**
 * The trusted issuers, and one cached {@link EntraKeySource} per trusted tenant and version (per version for
 * the tenant-independent keys, which every tenant shares). Routing reads the token's unverified `iss` and `tid`
 * only to pick where keys come from, or to refuse: nothing is accepted until the signature verifies.
 */
export class EntraIssuerTrust {
  readonly #exact = new Map<string, IssuerRoute>();
  readonly #common = new Map<EntraTokenVersion, EntraKeySource>();
  readonly #allowed: ReadonlySet<string>;

  constructor(options: EntraTrustOptions) {
    for (const tenant of options.tenants) {
      for (const version of tenant.versions) {
        const issuer = entraIssuer(tenant.tenantId, version);
        const metadataUrl = tenant.metadataUrl ?? entraMetadataUrl(tenant.tenantId, version);
        const keys = new EntraKeySource(metadataUrl, issuer, options.keys);
        this.#exact.set(issuer, { version, tenantId: tenant.tenantId, keys, multiTenant: false });
      }
    }
    this.#allowed = new Set(options.multiTenant.allowedTenants.map((t) => t.toLowerCase()));
    if (this.#allowed.size > 0) {
      for (const version of new Set(options.multiTenant.versions)) {
        const template = entraIssuer(TENANT_PLACEHOLDER, version);
        this.#common.set(version, new EntraKeySource(options.multiTenant.metadataUrls[version], template, options.keys));
      }
    }
  }

  /** Every key source, for warm-up and readiness. */
  get sources(): readonly EntraKeySource[] {
    return [...[...this.#exact.values()].map((r) => r.keys), ...this.#common.values()];
  }

  /**
   * Where the keys of a token claiming `iss` and `tid` come from.
   *
   * @throws EntraTokenError `EXCHANGE.ISSUER_UNTRUSTED` for an issuer that is not Entra's form, a trusted tenant's
   *   version that is not trusted, or (multi-tenant) a `tid` that is not a GUID or not the tenant of `iss`;
   *   `EXCHANGE.TENANT_UNTRUSTED` for a tenant neither configured nor allow-listed
   */
  route(iss: unknown, tid: unknown): IssuerRoute {
    if (typeof iss !== 'string') throw new EntraTokenError('EXCHANGE.ISSUER_UNTRUSTED', 'the token names no issuer');
    const exact = this.#exact.get(iss);
    if (exact !== undefined) return exact;

    const v1 = V1_ISSUER.exec(iss);
    const v2 = V2_ISSUER.exec(iss);
    const version: EntraTokenVersion | undefined = v1 ? '1.0' : v2 ? '2.0' : undefined;
    const segment = (v1 ?? v2)?.[1];
    if (version === undefined || segment === undefined) {
      throw new EntraTokenError('EXCHANGE.ISSUER_UNTRUSTED', 'the token issuer is not a Microsoft Entra ID issuer');
    }
    const common = this.#common.get(version);
    const tenantKnown = this.#allowed.has(segment.toLowerCase()) || [...this.#exact.values()].some((r) => r.tenantId === segment.toLowerCase());
    if (common === undefined) {
      // A trusted tenant, but not in this version (or a tenant we do not know at all).
      if (tenantKnown) throw new EntraTokenError('EXCHANGE.ISSUER_UNTRUSTED', `${version} tokens of this tenant are not trusted`, { tid: segment });
      throw new EntraTokenError('EXCHANGE.TENANT_UNTRUSTED', 'the token tenant is not trusted', issuerDetails(segment));
    }
    // WIRE.md §3 multi-tenant issuer validation, steps 4 and 5 (steps 1–3 need the key: EntraTokenValidator).
    if (typeof tid !== 'string' || !GUID.test(tid) || tid !== segment) {
      throw new EntraTokenError('EXCHANGE.ISSUER_UNTRUSTED', 'the token tid is not the GUID of its issuer tenant');
    }
    if (!this.#allowed.has(tid.toLowerCase())) throw new EntraTokenError('EXCHANGE.TENANT_UNTRUSTED', 'the token tenant is not trusted', { tid });
    return { version, tenantId: tid.toLowerCase(), keys: common, multiTenant: true };
  }
}

/** A tenant segment is logged only when it has the shape of a tenant id (never arbitrary token text). */
function issuerDetails(segment: string): Record<string, string> {
  return GUID.test(segment) ? { tid: segment } : {};
}
