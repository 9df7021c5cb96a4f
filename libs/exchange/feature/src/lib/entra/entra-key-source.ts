import { createPublicKey, type KeyObject } from 'node:crypto';
import { catalogueCounter, inSpan } from '@latchkey/telemetry';

/** One signing key an issuer publishes. */
export interface EntraSigningKey {
  readonly kid: string;
  readonly key: KeyObject;
  /** The key's own `issuer` member (tenant-independent keys carry a template with `{tenantid}`), if any. */
  readonly issuer: string | undefined;
}

/** What a lookup by `kid` found. */
export type KeyLookup =
  | { readonly status: 'found'; readonly key: EntraSigningKey }
  /** The keys are known and current, and none has this `kid`. */
  | { readonly status: 'unknown' }
  /** No key can be trusted to decide: none was ever fetched, or the fetch for this `kid` failed. */
  | { readonly status: 'unavailable'; readonly retryAfterSeconds: number };

/** Timing of an {@link EntraKeySource}, in milliseconds. */
export interface EntraKeySourceOptions {
  readonly cooldownMs: number;
  readonly maxAgeMs: number;
  readonly timeoutMs: number;
  /** The clock, in epoch milliseconds. */
  readonly now: () => number;
}

/** Smallest RSA modulus accepted: Entra publishes 2048-bit keys. */
const MIN_RSA_BITS = 2048;

/**
 * The signing keys of one Entra issuer (a tenant and version, or a version's tenant-independent endpoint),
 * found through its OpenID discovery document and cached:
 *
 * - fetched at the first token, again when older than `maxAgeMs`, and when a token names an unknown `kid`;
 *   never more than once per `cooldownMs`, whatever the reason and whether the last fetch worked or not
 *   (concurrent lookups share one fetch);
 * - a failed fetch keeps the last good keys (Microsoft rotates keys weeks after publishing them, so keeping
 *   them through an outage is safer than refusing everyone); only when no key was ever fetched, or when the
 *   fetch for an unknown `kid` failed, is the answer "unavailable" (503 with `Retry-After`, not the token's fault).
 *
 * The discovery document's `issuer` must equal `expectedIssuer` (the exact issuer, or the `{tenantid}` template
 * for tenant-independent metadata), so a misconfigured URL cannot lend another issuer's keys.
 */
export class EntraKeySource {
  /**
   * `latchkey.jwks.refreshes` {source: entra, outcome: ok | failed}: one per fetch of discovery and JWKS, not per
   * lookup (concurrent lookups share one). Created with the source, which the validator's Nest provider builds at
   * bootstrap, after the telemetry SDK started.
   */
  readonly #refreshes = catalogueCounter('jwksRefreshes');
  #keys: ReadonlyMap<string, EntraSigningKey> | undefined;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #lastAttemptFailed = false;
  #inflight: Promise<void> | undefined;

  constructor(
    readonly metadataUrl: string,
    readonly expectedIssuer: string,
    private readonly options: EntraKeySourceOptions,
  ) {}

  /** The key with this `kid`, fetching the set first if it is missing, old, or lacks the `kid`. */
  async lookup(kid: string): Promise<KeyLookup> {
    if (this.#keys === undefined || this.options.now() - this.#fetchedAt >= this.options.maxAgeMs) await this.#refreshIfAllowed();
    let key = this.#keys?.get(kid);
    if (key === undefined && (await this.#refreshIfAllowed())) key = this.#keys?.get(kid);
    if (key !== undefined) return { status: 'found', key };
    if (this.#keys === undefined || this.#lastAttemptFailed) return { status: 'unavailable', retryAfterSeconds: this.#retryAfterSeconds() };
    return { status: 'unknown' };
  }

  /** Fetches now unless within the cooldown (at startup, before reporting ready); never throws. */
  async warmUp(): Promise<boolean> {
    await this.#refreshIfAllowed();
    return this.#keys !== undefined;
  }

  /** Whether keys are known, for readiness. */
  get hasKeys(): boolean {
    return this.#keys !== undefined;
  }

  /** Refreshes unless within the cooldown; whether a refresh was attempted (or joined). */
  async #refreshIfAllowed(): Promise<boolean> {
    if (this.#inflight === undefined) {
      if (this.options.now() - this.#attemptedAt < this.options.cooldownMs) return false;
      this.#attemptedAt = this.options.now();
      this.#inflight = this.#refresh().finally(() => (this.#inflight = undefined));
    }
    await this.#inflight;
    return true;
  }

  /** One refresh in a span of its own: Node's fetch is not instrumented, so without it the refresh would not show in a trace. */
  #refresh(): Promise<void> {
    return inSpan('jwks refresh', { 'latchkey.jwks_source': 'entra' }, () => this.#fetchKeys());
  }

  async #fetchKeys(): Promise<void> {
    try {
      const metadata = await this.#getJson(this.metadataUrl);
      if (metadata['issuer'] !== this.expectedIssuer) throw new Error('the discovery document names another issuer');
      const jwksUri = metadata['jwks_uri'];
      if (typeof jwksUri !== 'string' || !isHttpUrl(jwksUri)) throw new Error('the discovery document has no http(s) jwks_uri');
      const keys = signingKeys(await this.#getJson(jwksUri));
      if (keys.size === 0) throw new Error('the JWKS holds no usable RS256 signing key');
      this.#keys = keys;
      this.#fetchedAt = this.options.now();
      this.#lastAttemptFailed = false;
      this.#refreshes.add(1, { source: 'entra', outcome: 'ok' });
    } catch {
      // Kept: the last good keys. The cause is not logged here (no logger in a plain class); readiness, the
      // 503 of a token that needed the fetch, and the failed refreshes counted here report it.
      this.#lastAttemptFailed = true;
      this.#refreshes.add(1, { source: 'entra', outcome: 'failed' });
    }
  }

  async #getJson(url: string): Promise<Record<string, unknown>> {
    const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs), redirect: 'error' });
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not a JSON object');
    return body as Record<string, unknown>;
  }

  #retryAfterSeconds(): number {
    const remaining = this.#attemptedAt + this.options.cooldownMs - this.options.now();
    return Math.max(1, Math.ceil(remaining / 1000));
  }
}

/** The usable keys of a JWKS: RSA, for signatures, with a `kid`, at least 2048 bits. Others are skipped. */
function signingKeys(jwks: Record<string, unknown>): ReadonlyMap<string, EntraSigningKey> {
  const keys = new Map<string, EntraSigningKey>();
  const list = Array.isArray(jwks['keys']) ? (jwks['keys'] as unknown[]) : [];
  for (const jwk of list) {
    if (typeof jwk !== 'object' || jwk === null) continue;
    const { kty, kid, n, e, use, alg, issuer } = jwk as Record<string, unknown>;
    if (kty !== 'RSA' || typeof kid !== 'string' || typeof n !== 'string' || typeof e !== 'string') continue;
    if ((use !== undefined && use !== 'sig') || (alg !== undefined && alg !== 'RS256')) continue;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: { kty, n, e }, format: 'jwk' });
    } catch {
      continue;
    }
    if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) continue;
    keys.set(kid, { kid, key, issuer: typeof issuer === 'string' ? issuer : undefined });
  }
  return keys;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
