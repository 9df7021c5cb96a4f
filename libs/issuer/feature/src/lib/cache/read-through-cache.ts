import { LRUCache } from 'lru-cache';

/** How long and how many entries a {@link ReadThroughCache} keeps. */
export interface ReadThroughCacheOptions {
  /** 0 turns the cache off: every get loads. */
  readonly ttlMs: number;
  readonly max: number;
}

/**
 * A bounded, time-limited cache in front of a database read, so the
 * issuance path does not pay a round trip per request for rows that change
 * rarely. Concurrent misses for one key share one load (lru-cache's
 * `fetch`). `forget` drops an entry and aborts a load in flight, so a
 * change made on this instance is seen by its next request; other
 * instances see it within `ttlMs`.
 */
export class ReadThroughCache<V> {
  private readonly cache: LRUCache<string, { readonly value: V }> | undefined;

  constructor(
    private readonly load: (key: string) => Promise<V>,
    options: ReadThroughCacheOptions,
  ) {
    if (options.ttlMs > 0) {
      this.cache = new LRUCache<string, { readonly value: V }>({
        max: options.max,
        ttl: options.ttlMs,
        fetchMethod: async (key) => ({ value: await load(key) }),
      });
    }
  }

  async get(key: string): Promise<V> {
    if (!this.cache) return this.load(key);
    // A `forget` meanwhile aborts the shared load (lru-cache rejects it): read afresh.
    // A load that failed on its own fails again here, and the caller hears it.
    const hit = await this.cache.fetch(key).catch(() => undefined);
    return hit ? hit.value : this.load(key);
  }

  forget(key: string): void {
    this.cache?.delete(key);
  }

  /** Drops every entry (and aborts loads in flight). */
  clear(): void {
    this.cache?.clear();
  }
}
