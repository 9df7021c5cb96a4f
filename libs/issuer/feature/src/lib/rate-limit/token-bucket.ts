/** A limiter's answer for one request. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number; readonly firstRefusalInWindow: boolean };

interface Bucket {
  tokens: number;
  refilledAt: number;
  lastRefusalWindow: number;
}

/**
 * Token buckets per key, in memory: `ratePerSecond` sustained, `burst` at
 * once. Keys are authenticated ISV ids, so the map is bounded by the number
 * of ISVs. A limit shared across replicas (Redis) is not built yet; each
 * replica enforces its own bucket, so N replicas allow N times the rate.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Takes one token for `key`; a rate of 0 disables limiting. */
  take(key: string): RateDecision {
    if (this.ratePerSecond <= 0) return { allowed: true };
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, refilledAt: now, lastRefusalWindow: -1 };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * this.ratePerSecond);
    bucket.refilledAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const window = Math.floor(now / 1000);
    const firstRefusalInWindow = bucket.lastRefusalWindow !== window;
    bucket.lastRefusalWindow = window;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond)), firstRefusalInWindow };
  }
}
