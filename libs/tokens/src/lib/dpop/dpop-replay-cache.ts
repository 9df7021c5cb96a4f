import { LRUCache } from 'lru-cache';
import { DEFAULT_CLOCK_TOLERANCE_SECONDS } from '../verify-jwt';
import { DEFAULT_DPOP_MAX_AGE_SECONDS } from './dpop-proof';

/** How a {@link DpopReplayCache} is sized. */
export type DpopReplayCacheOptions = {
  /**
   * Most proofs remembered. Size it for the busiest window: requests per
   * second × `windowSeconds`. When full, the least recently claimed proof
   * is forgotten first, so under overload an old proof may be replayed
   * once more; refusing new proofs instead would let anyone lock out every
   * client by filling the cache.
   */
  readonly maxEntries: number;
  /**
   * Seconds after its `iat` during which a proof is accepted: the
   * verifier's `maxAgeSeconds` plus its clock tolerance. Default 65, for
   * the verifier's defaults.
   */
  readonly windowSeconds?: number;
  /** The clock (an injectable clock for tests); defaults to the current time. */
  readonly now?: () => Date;
};

/**
 * Remembers the DPoP proofs seen by this process for as long as they could
 * be accepted (RFC 9449 §11.1), so that each is used once. Keyed by the
 * proof key's thumbprint and the `jti`: a `jti` is only unique per client
 * key. Per process: replicas behind a load balancer each keep their own,
 * so a proof replayed to another replica within the window is not caught.
 */
export class DpopReplayCache {
  readonly #seen: LRUCache<string, true>;
  readonly #windowSeconds: number;
  readonly #now: () => Date;

  constructor(options: DpopReplayCacheOptions) {
    const { maxEntries, windowSeconds = DEFAULT_DPOP_MAX_AGE_SECONDS + DEFAULT_CLOCK_TOLERANCE_SECONDS, now = () => new Date() } = options;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    if (!(windowSeconds > 0 && Number.isFinite(windowSeconds))) throw new RangeError('windowSeconds must be a positive number');
    this.#windowSeconds = windowSeconds;
    this.#now = now;
    // lru-cache reads this clock for every TTL; ttlResolution 0 makes it read
    // it each time instead of caching it behind a timer.
    this.#seen = new LRUCache({ max: maxEntries, ttlResolution: 0, perf: { now: () => this.#now().getTime() } });
  }

  /**
   * Records the proof `(jkt, jti)` issued at `iat` (seconds, as verified).
   * Returns false for a replay: the same pair was claimed within the
   * window. Also false for a proof already outside the window, which the
   * cache could no longer tell apart from a replay (fail closed).
   */
  claim(jkt: string, jti: string, iat: number): boolean {
    const remainingMs = (iat + this.#windowSeconds) * 1000 - this.#now().getTime();
    if (!(remainingMs > 0)) return false;
    // Length-prefixed, so no (jkt, jti) pair can spell another's key.
    const key = `${jkt.length}:${jkt}${jti}`;
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, true, { ttl: Math.ceil(remainingMs) });
    return true;
  }

  /** Proofs currently remembered (expired ones may count until evicted). */
  get size(): number {
    return this.#seen.size;
  }
}
