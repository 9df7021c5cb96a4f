import type { ConfigOf } from '@latchkey/config';
import type { issuerConfig } from '../issuer.config';
import { IssuanceRateLimiter } from './issuance-rate-limiter';

function limiter(rate: number, burst: number, redisUrl?: string): IssuanceRateLimiter {
  return new IssuanceRateLimiter({
    LATCHKEY_ISSUER_RATE_LIMIT_PER_SECOND: rate,
    LATCHKEY_ISSUER_RATE_LIMIT_BURST: burst,
    LATCHKEY_ISSUER_RATE_LIMIT_REDIS_URL: redisUrl,
  } as ConfigOf<typeof issuerConfig>);
}

async function takeMany(subject: IssuanceRateLimiter, isvId: string, n: number) {
  const decisions = [];
  for (let i = 0; i < n; i++) decisions.push(await subject.take(isvId));
  return decisions;
}

describe(IssuanceRateLimiter.name, () => {
  it('allows the rate plus the burst, then refuses with Retry-After, recording a flood once per second', async () => {
    const decisions = await takeMany(limiter(2, 1), 'isv-a', 5);

    expect(decisions.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(decisions[3]).toEqual({ allowed: false, retryAfterSeconds: 1, firstRefusalInWindow: true });
    // The same second: a refusal, but not one to record again (unless the clock ticked over in between).
    expect(decisions[4]).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it('keeps each ISV to its own budget', async () => {
    const subject = limiter(1, 1);
    await takeMany(subject, 'isv-busy', 3);
    expect(await subject.take('isv-quiet')).toEqual({ allowed: true });
  });

  it('refills the per-second rate after a second, while the burst stays spent', async () => {
    const subject = limiter(1, 1);
    expect((await takeMany(subject, 'isv-a', 3)).map((d) => d.allowed)).toEqual([true, true, false]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await takeMany(subject, 'isv-a', 2)).map((d) => d.allowed)).toEqual([true, false]);
  });

  it('rate 0 turns the limit off', async () => {
    expect((await takeMany(limiter(0, 1), 'isv-a', 50)).every((d) => d.allowed)).toBe(true);
  });

  it('falls back to per-instance counting when Redis is unreachable: still limits, never throws', async () => {
    const subject = limiter(1, 1, 'redis://127.0.0.1:1');
    try {
      expect((await takeMany(subject, 'isv-a', 3)).map((d) => d.allowed)).toEqual([true, true, false]);
    } finally {
      await subject.onApplicationShutdown();
    }
  });
});
