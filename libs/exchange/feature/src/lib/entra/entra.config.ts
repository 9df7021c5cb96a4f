import { z } from 'zod';
import { defineConfigSlice, envInteger, envJson, envUrl, type ConfigOf } from '@latchkey/config';

/** A tenant id: a GUID, compared in lower case. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Entra's access token versions (`ver`). */
export const ENTRA_TOKEN_VERSIONS = ['1.0', '2.0'] as const;
/** One of {@link ENTRA_TOKEN_VERSIONS}. */
export type EntraTokenVersion = (typeof ENTRA_TOKEN_VERSIONS)[number];

const httpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
};

/** One trusted tenant in per-tenant mode. */
const TrustedTenantSchema = z
  .object({
    tenantId: z
      .string()
      .regex(GUID, 'tenantId must be a GUID')
      .transform((tid) => tid.toLowerCase()),
    versions: z.array(z.enum(ENTRA_TOKEN_VERSIONS)).min(1, 'versions must name 1.0, 2.0 or both'),
    /** Overrides Microsoft's discovery URL; one URL serves one version, so only with a single version. */
    metadataUrl: z.string().refine(httpUrl, 'metadataUrl must be an http(s) URL without credentials').optional(),
  })
  .strict()
  .refine((t) => t.metadataUrl === undefined || t.versions.length === 1, 'metadataUrl needs exactly one version: list the tenant once per version');
/** One entry of `LATCHKEY_EXCHANGE_ENTRA_TENANTS`. */
export type TrustedTenant = z.output<typeof TrustedTenantSchema>;

/** A JSON array of trusted tenants; a tenant may appear once per version. */
function envTrustedTenants() {
  return envJson(
    z.array(TrustedTenantSchema).refine((tenants) => {
      const pairs = tenants.flatMap((t) => t.versions.map((v) => `${t.tenantId}|${v}`));
      return new Set(pairs).size === pairs.length;
    }, 'a tenant is listed twice for the same version'),
    'JSON array of {tenantId, versions: ["1.0"|"2.0"], metadataUrl?}',
  );
}

/** A comma-separated list of non-empty strings, each checked by `item`. */
function envList<T extends string>(item: z.ZodType<T, string>, format: string, min = 0) {
  return z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(item).min(min, `must name at least ${min}`))
    .meta({ format });
}

/**
 * Validation of Microsoft Entra ID access tokens presented to the exchange (docs/EXCHANGE.md "Entra ID
 * access tokens"). Trust is configured per tenant (exact issuers), or for many tenants at once through the
 * tenant-independent metadata and an allow-list of tenant ids, or both.
 */
export const entraConfig = defineConfigSlice('exchange-entra', {
  LATCHKEY_EXCHANGE_ENTRA_AUDIENCES: envList(z.string().max(512), 'comma-separated list', 1)
    .default(['api://latchkey'])
    .describe(
      "The audiences of this API: a token's `aud` must equal one of them exactly (e.g. the App ID URI `api://latchkey` for v1 tokens, the application's client id GUID for v2 tokens).",
    ),
  LATCHKEY_EXCHANGE_ENTRA_TENANTS: envTrustedTenants()
    .default([])
    .describe(
      "Tenants trusted one by one. Their issuers are exactly `https://sts.windows.net/{tid}/` (1.0) and `https://login.microsoftonline.com/{tid}/v2.0` (2.0); keys come from the discovery document at `metadataUrl`, by default Microsoft's `https://login.microsoftonline.com/{tid}/.well-known/openid-configuration` (1.0) or `…/{tid}/v2.0/.well-known/openid-configuration` (2.0). A tenant with a `metadataUrl` lists one version; list it again for the other.",
    ),
  LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_ALLOWED_TENANTS: envList(z.string().regex(GUID, 'must be tenant id GUIDs'), 'comma-separated GUIDs')
    .default([])
    .describe(
      "Multi-tenant mode: tenant ids accepted through the tenant-independent metadata. The token's `tid` must be in this list and equal the tenant segment of `iss`, and the signing key's own `issuer` with `{tenantid}` replaced by `tid` must equal `iss`. Empty: multi-tenant mode is off.",
    ),
  LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_VERSIONS: envList(z.enum(ENTRA_TOKEN_VERSIONS), '1.0 | 2.0, comma-separated')
    .default(['2.0'])
    .describe('Multi-tenant mode: the token versions accepted.'),
  LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_METADATA_URL_V1: envUrl(['https:', 'http:'])
    .default('https://login.microsoftonline.com/common/.well-known/openid-configuration')
    .describe('Multi-tenant mode: the tenant-independent discovery document for 1.0 tokens (its `issuer` is `https://sts.windows.net/{tenantid}/`).'),
  LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_METADATA_URL_V2: envUrl(['https:', 'http:'])
    .default('https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration')
    .describe(
      'Multi-tenant mode: the tenant-independent discovery document for 2.0 tokens (its `issuer` is `https://login.microsoftonline.com/{tenantid}/v2.0`).',
    ),
  LATCHKEY_EXCHANGE_ENTRA_KEYS_COOLDOWN_MS: envInteger({ min: 0, max: 3_600_000 })
    .default(30_000)
    .describe(
      "Fewest milliseconds between two fetches of one issuer's metadata and keys: a token naming an unknown `kid`, or a failed fetch, causes at most one fetch per cooldown. Also the `Retry-After` when no key is known.",
    ),
  LATCHKEY_EXCHANGE_ENTRA_KEYS_MAX_AGE_MS: envInteger({ min: 60_000, max: 7 * 86_400_000 })
    .default(86_400_000)
    .describe(
      "After this many milliseconds an issuer's keys are fetched again at the next token (Microsoft's guidance: 24 hours). When that fetch fails the last good keys stay in use.",
    ),
  LATCHKEY_EXCHANGE_ENTRA_FETCH_TIMEOUT_MS: envInteger({ min: 100, max: 60_000 })
    .default(5000)
    .describe('How long one request for metadata or keys may take, in milliseconds.'),
  LATCHKEY_EXCHANGE_ENTRA_CLOCK_TOLERANCE_SECONDS: envInteger({ min: 0, max: 300 })
    .default(60)
    .describe(
      'Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (Microsoft libraries allow 5 minutes; one minute is enough for NTP-synchronised hosts).',
    ),
});

/** The loaded values of {@link entraConfig}. */
export type EntraConfig = ConfigOf<typeof entraConfig>;
