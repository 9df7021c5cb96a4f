import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type IRateLimiterOptions } from 'rate-limiter-flexible';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { issuerConfig } from '../issuer.config';

/** A limiter's answer for one request. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number; readonly firstRefusalInWindow: boolean };

/** The window over which LATCHKEY_ISSUER_RATE_LIMIT_BURST extra requests are allowed. */
export const BURST_WINDOW_SECONDS = 10;

/**
 * Issuance requests per ISV (after authentication, so an unauthenticated
 * flood never spends an ISV's budget), with rate-limiter-flexible: RATE per
 * second, plus up to BURST more per 10 s. With
 * LATCHKEY_ISSUER_RATE_LIMIT_REDIS_URL the counters live in Redis and every
 * instance shares them; otherwise each instance counts alone (N instances
 * allow N times the rate). When Redis is unreachable each instance falls
 * back to its own in-memory counters (the library's insurance limiter):
 * limits loosen to per-instance for the outage, issuance does not stop.
 */
@Injectable()
export class IssuanceRateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit:issuer');
  private readonly limiter: BurstyRateLimiter | undefined;
  private readonly redis: Redis | undefined;
  /** Per ISV, the second of its last recorded refusal: a flood is recorded once per second. */
  private readonly lastRefusal = new Map<string, number>();

  constructor(@InjectConfig(issuerConfig) config: ConfigOf<typeof issuerConfig>) {
    const rate = config.LATCHKEY_ISSUER_RATE_LIMIT_PER_SECOND;
    if (rate <= 0) return;
    const base: IRateLimiterOptions = { keyPrefix: 'latchkey:issuer:rate', points: rate, duration: 1 };
    const burst: IRateLimiterOptions = { keyPrefix: 'latchkey:issuer:burst', points: config.LATCHKEY_ISSUER_RATE_LIMIT_BURST, duration: BURST_WINDOW_SECONDS };
    const url = config.LATCHKEY_ISSUER_RATE_LIMIT_REDIS_URL;
    if (!url) {
      this.limiter = new BurstyRateLimiter(new RateLimiterMemory(base), new RateLimiterMemory(burst));
      return;
    }
    // No offline queue and one try per command: during an outage a request
    // falls to the in-memory insurance at once instead of waiting.
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    let healthy = true;
    redis.on('error', (error: Error) => {
      if (healthy) this.logger.warn({ msg: 'Redis unavailable; rate limits fall back to this instance alone', error: error.message });
      healthy = false;
    });
    redis.on('ready', () => {
      if (!healthy) this.logger.log('Redis is back; rate limits are shared again');
      healthy = true;
    });
    const shared = (options: IRateLimiterOptions) =>
      new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(options) });
    this.redis = redis;
    this.limiter = new BurstyRateLimiter(shared(base), shared(burst));
  }

  /** Spends one request of the ISV's budget. */
  async take(isvId: string): Promise<RateDecision> {
    if (!this.limiter) return { allowed: true };
    try {
      await this.limiter.consume(isvId);
      return { allowed: true };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const second = Math.floor(Date.now() / 1000);
      const firstRefusalInWindow = this.lastRefusal.get(isvId) !== second;
      this.lastRefusal.set(isvId, second);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)), firstRefusalInWindow };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    // quit() waits for a connection that may never come; disconnect() also stops reconnecting.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis.disconnect();
  }
}
