import fc from 'fast-check';
import { TokenBucketLimiter } from './token-bucket';

describe(TokenBucketLimiter.name, () => {
  it('allows the burst at once, then refuses with a Retry-After, then refills at the rate', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(10, 3, () => now);
    expect([1, 2, 3].map(() => limiter.take('isv').allowed)).toEqual([true, true, true]);
    expect(limiter.take('isv')).toEqual({ allowed: false, retryAfterSeconds: 1, firstRefusalInWindow: true });
    expect(limiter.take('isv')).toMatchObject({ allowed: false, firstRefusalInWindow: false });
    now += 100; // one token at 10/s
    expect(limiter.take('isv').allowed).toBe(true);
    expect(limiter.take('isv').allowed).toBe(false);
  });

  it('keeps keys apart', () => {
    const limiter = new TokenBucketLimiter(1, 1, () => 0);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('never lets more through in a period than burst + rate × period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 300 }), (rate, burst, gaps) => {
        let now = 0;
        const limiter = new TokenBucketLimiter(rate, burst, () => now);
        let allowed = 0;
        for (const gap of gaps) {
          now += gap;
          if (limiter.take('k').allowed) allowed++;
        }
        expect(allowed).toBeLessThanOrEqual(burst + Math.floor((rate * now) / 1000) + 1);
      }),
    );
  });

  it('is off when the rate is 0', () => {
    const limiter = new TokenBucketLimiter(0, 0);
    expect(Array.from({ length: 100 }, () => limiter.take('k').allowed).every(Boolean)).toBe(true);
  });
});
