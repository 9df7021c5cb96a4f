import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwksCache,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWKSCacheInput,
  type JWSHeaderParameters,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { assertKeySelectingHeader } from './key-header';
import { TokenError } from './token-error';

/** How a verifier fetches and keeps the issuer's JWKS, in milliseconds. */
export type RemoteJwksOptions = {
  /**
   * After a fetch, how long before a token naming an unknown `kid` may cause another one (jose's
   * `cooldownDuration`); after a failed fetch, how long before the next attempt. Default 30 000.
   */
  readonly cooldownMs?: number;
  /**
   * How long fetched keys are used before the set is fetched again (jose's `cacheMaxAge`); also the longest
   * a key the issuer has stopped publishing (an emergency retirement) keeps verifying here. Default 600 000.
   */
  readonly cacheMaxAgeMs?: number;
  /** How long to wait for the issuer to start answering (jose's `timeoutDuration`). Default 5 000. */
  readonly timeoutMs?: number;
};

/** The defaults of {@link RemoteJwksOptions}: jose's, stated here so that they cannot change under us with jose. */
export const DEFAULT_REMOTE_JWKS_OPTIONS = { cooldownMs: 30_000, cacheMaxAgeMs: 600_000, timeoutMs: 5_000 } as const;

/** What a readiness check needs to know about a {@link RemoteJwks}. */
export type RemoteJwksStatus = {
  /** The last successful fetch returned at least one key. */
  readonly hasKeys: boolean;
  readonly keyCount: number;
  /** Those keys are younger than `cacheMaxAgeMs`: a token naming one of them verifies without a request. */
  readonly fresh: boolean;
  /** When the last successful fetch completed. */
  readonly lastFetchedAt: Date | undefined;
  /** When a fetch last failed, unless one has succeeded since. */
  readonly lastFailedAt: Date | undefined;
};

/** Each source's key resolver, kept off the class so that its public declaration names no jose type. */
const resolvers = new WeakMap<RemoteJwks, JWTVerifyGetKey>();

/**
 * The issuer's published JWKS, fetched from the one configured URL (never from a URL a token names) and
 * cached, on jose's `createRemoteJWKSet`: the set is fetched again once older than `cacheMaxAgeMs`, and when a
 * token names an unknown `kid`, at most once per `cooldownMs`. Pass it as `jwks` to the verify functions.
 * Create one per process and issuer (the cache lives in it), call {@link warmUp} before reporting ready, and
 * read {@link status} for readiness. Fetch failures surface as `TOKENS.JWKS_UNAVAILABLE` (the verifier's
 * problem, not the token's).
 *
 * jose reads the wall clock (`Date.now()`) for its cache and cooldown, so this class does too: the two must
 * agree on when the last fetch happened.
 */
export class RemoteJwks {
  /** The configured JWKS URL, for logs and readiness reports. */
  readonly url: string;
  readonly #remote: ReturnType<typeof createRemoteJWKSet>;
  /** jose writes `{ jwks, uat }` here after every successful fetch (its `jwksCache` option): what and when. */
  readonly #fetched: JWKSCacheInput = {};
  readonly #cooldownMs: number;
  readonly #cacheMaxAgeMs: number;
  #failure: { readonly at: number; readonly lastFetchAt: number | undefined } | undefined;
  #fallback: { readonly jwks: JSONWebKeySet; readonly resolve: ReturnType<typeof createLocalJWKSet> } | undefined;

  /** @throws TokenError `TOKENS.INPUT_INVALID` for a URL that is not http(s) or an option out of range */
  constructor(url: string | URL, options: RemoteJwksOptions = {}) {
    const parsed = httpUrl(url);
    this.url = parsed.href;
    this.#cooldownMs = milliseconds('cooldownMs', options.cooldownMs ?? DEFAULT_REMOTE_JWKS_OPTIONS.cooldownMs, 0);
    this.#cacheMaxAgeMs = milliseconds('cacheMaxAgeMs', options.cacheMaxAgeMs ?? DEFAULT_REMOTE_JWKS_OPTIONS.cacheMaxAgeMs, 1);
    this.#remote = createRemoteJWKSet(parsed, {
      cooldownDuration: this.#cooldownMs,
      cacheMaxAge: this.#cacheMaxAgeMs,
      timeoutDuration: milliseconds('timeoutMs', options.timeoutMs ?? DEFAULT_REMOTE_JWKS_OPTIONS.timeoutMs, 1),
      // Only observed (never preloaded): the object stays private to this instance.
      [jwksCache]: this.#fetched,
    });
    resolvers.set(this, (header, token) => this.#resolve(header, token));
  }

  /**
   * Fetches the set now, whatever the cache and the cooldown say: at startup, before the service reports
   * ready. A verification running meanwhile shares the request. Not for a readiness probe (each call is a
   * request): read {@link status} there.
   *
   * @throws TokenError `TOKENS.JWKS_UNAVAILABLE`, or `TOKENS.JWKS_INVALID` when the answer is not a key set
   */
  async warmUp(): Promise<void> {
    try {
      await this.#remote.reload();
      this.#failure = undefined;
    } catch (error) {
      throw this.#failed(error);
    }
  }

  /** The state of the cache, for readiness: never makes a request. */
  status(): RemoteJwksStatus {
    const last = this.#lastFetch();
    const keyCount = last?.jwks.keys.length ?? 0;
    const failedAt = this.#currentFailureAt();
    return {
      hasKeys: keyCount > 0,
      keyCount,
      fresh: last !== undefined && this.#isFresh(last.uat),
      lastFetchedAt: last === undefined ? undefined : new Date(last.uat),
      lastFailedAt: failedAt === undefined ? undefined : new Date(failedAt),
    };
  }

  async #resolve(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyLike> {
    assertKeySelectingHeader(header);
    if (this.#backingOff()) return this.#resolveFromLastFetch(header, token);
    try {
      return await this.#remote(header, token);
    } catch (error) {
      // The token's problem, not the source's: jose-error.ts makes it TOKENS.UNKNOWN_KEY.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw this.#failed(error);
    }
  }

  /**
   * jose starts its cooldown only after a successful fetch, so while the issuer is down every token that
   * needs a fetch (each made-up `kid`, or any token once the cache is stale) would cause a request. After a
   * failure this class waits `cooldownMs` instead, serving the last fetched keys while they are fresh.
   */
  #backingOff(): boolean {
    const failedAt = this.#currentFailureAt();
    return failedAt !== undefined && Date.now() < failedAt + this.#cooldownMs;
  }

  async #resolveFromLastFetch(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyLike> {
    const last = this.#lastFetch();
    if (last === undefined || !this.#isFresh(last.uat)) {
      throw new TokenError('TOKENS.JWKS_UNAVAILABLE', 'the issuer JWKS could not be fetched; the next attempt waits for the cooldown', {
        url: this.url,
      });
    }
    // A local set over the same keys, which never fetches; unknown kids throw JWKSNoMatchingKey as usual.
    if (this.#fallback?.jwks !== last.jwks) this.#fallback = { jwks: last.jwks, resolve: createLocalJWKSet(last.jwks) };
    return this.#fallback.resolve(header, token);
  }

  #failed(error: unknown): TokenError {
    this.#failure = { at: Date.now(), lastFetchAt: this.#lastFetch()?.uat };
    if (error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid || error instanceof errors.JOSENotSupported) {
      return new TokenError('TOKENS.JWKS_INVALID', 'the issuer JWKS is not a usable JSON Web Key Set', { url: this.url }, { cause: error });
    }
    // Refused connection, timeout, a status other than 200, a body that is not JSON: ours to fix or wait out.
    return new TokenError('TOKENS.JWKS_UNAVAILABLE', 'the issuer JWKS could not be fetched', { url: this.url }, { cause: error });
  }

  /** When the last failure happened, if no fetch has succeeded since. */
  #currentFailureAt(): number | undefined {
    const failure = this.#failure;
    return failure !== undefined && failure.lastFetchAt === this.#lastFetch()?.uat ? failure.at : undefined;
  }

  #lastFetch(): { readonly jwks: JSONWebKeySet; readonly uat: number } | undefined {
    const fetched = this.#fetched;
    return 'uat' in fetched && typeof fetched.uat === 'number' ? { jwks: fetched.jwks, uat: fetched.uat } : undefined;
  }

  /** jose's rule (`Date.now() < uat + cacheMaxAge`), so that the two never disagree. */
  #isFresh(uat: number): boolean {
    return Date.now() < uat + this.#cacheMaxAgeMs;
  }
}

/**
 * A {@link RemoteJwks} for the issuer's `jwks_uri`. Makes no request until {@link RemoteJwks.warmUp} or the
 * first verification.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` for a URL that is not http(s) or an option out of range
 */
export function createRemoteJwks(url: string | URL, options: RemoteJwksOptions = {}): RemoteJwks {
  return new RemoteJwks(url, options);
}

/** Internal (verify-jwt.ts; not exported from the index): the jose key resolver of `source`. */
export function remoteJwksResolver(source: RemoteJwks): JWTVerifyGetKey {
  const resolver = resolvers.get(source);
  // Only an object made with Object.create(RemoteJwks.prototype) lacks one: refuse it as a broken key source.
  if (resolver === undefined) throw new TokenError('TOKENS.JWKS_INVALID', 'the verifier key source was not created by createRemoteJwks');
  return resolver;
}

function httpUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TokenError('TOKENS.INPUT_INVALID', 'the JWKS URL is not a URL');
  }
  // jose fetches only these; anything else would fail at the first token instead of at startup.
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TokenError('TOKENS.INPUT_INVALID', `the JWKS URL must be http(s), not ${parsed.protocol}`);
  }
  // A JWKS is public; credentials in its URL would only end up in logs (the URL is in error details).
  if (parsed.username !== '' || parsed.password !== '') throw new TokenError('TOKENS.INPUT_INVALID', 'the JWKS URL must not carry credentials');
  return parsed;
}

function milliseconds(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TokenError('TOKENS.INPUT_INVALID', `${name} must be a whole number of milliseconds, at least ${min}`);
  }
  return value;
}
