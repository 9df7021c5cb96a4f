import { RateBaseline } from './rate-baseline';

const MIN = 60_000;

function fill(baseline: RateBaseline, minute: number, count: number): void {
  for (let i = 0; i < count; i += 1) {
    baseline.add(minute * MIN + i, `m${minute}-${i}`);
  }
}

describe(RateBaseline.name, () => {
  it('starts the baseline at the first minute and counts the current minute', () => {
    const baseline = new RateBaseline(0.5, 60 * MIN);
    fill(baseline, 0, 10);
    const reading = baseline.add(MIN, 'x');
    expect(reading).toMatchObject({ count: 1, baseline: 10, minutesObserved: 1, reported: false });
  });

  it('folds each closed minute into the EWMA', () => {
    const baseline = new RateBaseline(0.5, 60 * MIN);
    fill(baseline, 0, 10);
    fill(baseline, 1, 20);
    expect(baseline.add(2 * MIN, 'x')?.baseline).toBe(15);
  });

  it('folds quiet minutes as zeros and counts them as observed', () => {
    const baseline = new RateBaseline(0.5, 60 * MIN);
    fill(baseline, 0, 16);
    // minutes 1 and 2 quiet: 16 → 8 → 4
    expect(baseline.add(3 * MIN, 'x')).toMatchObject({ baseline: 4, minutesObserved: 3 });
  });

  it('keeps a reported minute out of the baseline', () => {
    const baseline = new RateBaseline(0.5, 60 * MIN);
    fill(baseline, 0, 10);
    fill(baseline, 1, 500);
    baseline.markReported();
    expect(baseline.add(MIN + 999, 'y')?.reported).toBe(true);
    expect(baseline.add(2 * MIN, 'x')).toMatchObject({ baseline: 10, minutesObserved: 2, reported: false });
  });

  it('ignores an event from a minute already closed', () => {
    const baseline = new RateBaseline(0.5, 60 * MIN);
    fill(baseline, 1, 3);
    expect(baseline.add(59_999, 'late')).toBeUndefined();
    expect(baseline.add(MIN + 10, 'on-time')?.count).toBe(4);
  });

  it('keeps the 100 newest ids of the current minute as evidence', () => {
    const baseline = new RateBaseline(0.5, 60 * MIN);
    fill(baseline, 0, 150);
    const reading = baseline.add(MIN - 1, 'last');
    expect(reading?.evidenceEventIds).toHaveLength(100);
    expect(reading?.evidenceEventIds.at(-1)).toBe('last');
    expect(reading?.evidenceEventIds[0]).toBe('m0-51');
  });

  it('is idle after forgetAfterMs of silence', () => {
    const baseline = new RateBaseline(0.5, 10 * MIN);
    baseline.add(0, 'a');
    expect(baseline.isIdle(10 * MIN - 1)).toBe(false);
    expect(baseline.isIdle(10 * MIN)).toBe(true);
  });

  it('rejects an alpha outside (0, 1]', () => {
    expect(() => new RateBaseline(0, MIN)).toThrow(RangeError);
    expect(() => new RateBaseline(1.5, MIN)).toThrow(RangeError);
  });
});
