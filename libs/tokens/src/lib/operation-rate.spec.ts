import { measureOperationRate, sumOperationRates } from './operation-rate';
import { measureSignatureRate } from './signature-rate';

describe(measureOperationRate.name, () => {
  it('keeps the given number of calls in flight and counts every completed call', async () => {
    let inFlight = 0;
    let peak = 0;
    let calls = 0;
    const rate = await measureOperationRate(
      30,
      async () => {
        calls += 1;
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
      },
      4,
    );
    expect(peak).toBe(4);
    expect(rate.count).toBe(calls);
    expect(rate.concurrency).toBe(4);
    expect(rate.wallMs).toBeGreaterThanOrEqual(30);
    expect(rate.perSecond).toBeCloseTo((rate.count * 1000) / rate.wallMs);
  });
});

describe(sumOperationRates.name, () => {
  it('adds counts and times of rounds and derives the rates from the totals', () => {
    const round = (count: number, wallMs: number, cpuMs: number) => ({ concurrency: 2, count, wallMs, cpuMs, perSecond: 0, perCpuSecond: 0 });
    expect(sumOperationRates([round(100, 100, 50), round(300, 100, 150)])).toEqual({
      concurrency: 2,
      count: 400,
      wallMs: 200,
      cpuMs: 200,
      perSecond: 2000,
      perCpuSecond: 2000,
    });
  });
});

describe(measureSignatureRate.name, () => {
  it.each(['ES256', 'EdDSA'] as const)('measures %s signing and verifying, one at a time and concurrently', async (alg) => {
    const rate = await measureSignatureRate(alg, 20, 4);
    expect(rate.alg).toBe(alg);
    for (const measured of [rate.sign, rate.verify, rate.signConcurrent, rate.verifyConcurrent]) {
      expect(measured.count).toBeGreaterThan(0);
    }
    expect(rate.signConcurrent.concurrency).toBe(4);
    expect(rate.tokenLength).toBeGreaterThan(300);
  });
});
