import fc from 'fast-check';
import { ADMIT_SHARE_DECREASE, DELAY_SMOOTHING, LoadShedder, MIN_ADMIT_SHARE, STEER_MIN_ARRIVALS, STEER_MIN_DELAY_MS } from './load-shedder';

const calm = { utilization: 0.5, meanDelayMs: 1 };
/** A mean delay late enough that one sample lifts the smoothed delay over the steering threshold (0.3 × 60 = 18 ms). */
const LATE_MS = 60;

describe(LoadShedder.name, () => {
  it('admits up to the in-flight cap, refuses the next, and admits again once one is released', () => {
    const shedder = new LoadShedder({ maxInFlight: 2, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 });
    expect(shedder.tryAdmit()).toBeUndefined();
    expect(shedder.tryAdmit()).toBeUndefined();
    expect(shedder.tryAdmit()).toBe('in-flight');
    expect(shedder.inFlight).toBe(2);
    shedder.release();
    expect(shedder.tryAdmit()).toBeUndefined();
    expect(shedder.inFlight).toBe(2);
  });

  it('does not count refused requests as in flight', () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 });
    shedder.tryAdmit();
    for (let i = 0; i < 5; i += 1) expect(shedder.tryAdmit()).toBe('in-flight');
    shedder.release();
    expect(shedder.inFlight).toBe(0);
    expect(shedder.tryAdmit()).toBeUndefined();
  });

  it('never admits fewer than zero in flight, even on a surplus release', () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 });
    shedder.release();
    expect(shedder.inFlight).toBe(0);
    expect(shedder.tryAdmit()).toBeUndefined();
    expect(shedder.tryAdmit()).toBe('in-flight');
  });

  it('has no cap when maxInFlight is 0', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 });
    for (let i = 0; i < 10_000; i += 1) expect(shedder.tryAdmit()).toBeUndefined();
  });

  it('sheds while the latest sample shows a late event loop, and admits again after a calm sample', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 100, maxEventLoopUtilization: 0 });
    shedder.observe({ utilization: 1, meanDelayMs: 99 });
    expect(shedder.tryAdmit()).toBeUndefined();
    shedder.observe({ utilization: 1, meanDelayMs: 100 });
    expect(shedder.tryAdmit()).toBe('event-loop-delay');
    expect(shedder.tryAdmit()).toBe('event-loop-delay');
    shedder.observe(calm);
    expect(shedder.tryAdmit()).toBeUndefined();
  });

  it('ignores utilisation when that signal is off', () => {
    const off = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 });
    off.observe({ utilization: 1, meanDelayMs: 10_000 });
    expect(off.admitShare).toBe(1);
    for (let i = 0; i < 100; i += 1) expect(off.tryAdmit()).toBeUndefined();
  });

  it('cuts the admitted share by a fifth per sample at or over the utilisation target, and refuses the rest evenly', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.9 });
    shedder.observe({ utilization: 0.89, meanDelayMs: 0 });
    expect(shedder.admitShare).toBe(1);
    shedder.observe({ utilization: 0.9, meanDelayMs: LATE_MS });
    expect(shedder.admitShare).toBeCloseTo(ADMIT_SHARE_DECREASE);
    const answers = Array.from({ length: 10 }, () => shedder.tryAdmit());
    expect(answers.filter((a) => a === undefined)).toHaveLength(8);
    expect(answers.filter((a) => a === 'event-loop-utilization')).toHaveLength(2);
    // Evenly: never two refusals in a row at 80 %.
    expect(answers.join(',')).not.toContain('event-loop-utilization,event-loop-utilization');
  });

  it('does not cut the share of a loop that is busy but on time (a host whose cores are shared reads busy), nor of one late but idle', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.9 });
    for (let i = 0; i < 20; i += 1) shedder.observe({ utilization: 1, meanDelayMs: STEER_MIN_DELAY_MS - 1 });
    expect(shedder.admitShare).toBe(1);
    for (let i = 0; i < 20; i += 1) shedder.observe({ utilization: 0.89, meanDelayMs: 100 });
    expect(shedder.admitShare).toBe(1);
  });

  it('lets a lone late sample pass, and cuts once the loop is late sample after sample', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.9 });
    shedder.observe({ utilization: 1, meanDelayMs: 2 });
    // A major GC or a burst of acknowledgements: 2 ms → 33 ms → 2 ms, smoothed to at most 0.3 × 33 + 0.7 × 0.6 ≈ 10.3 ms.
    shedder.observe({ utilization: 1, meanDelayMs: 33 });
    shedder.observe({ utilization: 1, meanDelayMs: 2 });
    expect(shedder.admitShare).toBe(1);
    // Behind its sockets: 25 ms, again and again. The smoothed delay crosses 15 ms on the second sample.
    shedder.observe({ utilization: 1, meanDelayMs: 25 });
    expect(shedder.admitShare).toBe(1);
    shedder.observe({ utilization: 1, meanDelayMs: 25 });
    expect(shedder.admitShare).toBeCloseTo(ADMIT_SHARE_DECREASE);
    expect(DELAY_SMOOTHING).toBe(0.3);
  });

  it('does not cut the share for a loop made late by other work while this service gets only a few requests', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.9, steerMinArrivals: STEER_MIN_ARRIVALS });
    // One client, one request after another: a handful per sample, while something else keeps the loop busy and late.
    for (let sample = 0; sample < 20; sample += 1) {
      for (let i = 0; i < 3; i += 1) {
        expect(shedder.tryAdmit()).toBeUndefined();
        shedder.release();
      }
      shedder.observe({ utilization: 1, meanDelayMs: LATE_MS });
    }
    expect(shedder.admitShare).toBe(1);
    // The same loop with this service's own overload arriving: cut.
    for (let i = 0; i < STEER_MIN_ARRIVALS; i += 1) shedder.tryAdmit();
    shedder.observe({ utilization: 1, meanDelayMs: LATE_MS });
    expect(shedder.admitShare).toBeCloseTo(ADMIT_SHARE_DECREASE);
  });

  it('never lets the utilisation signal alone refuse everything', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.9 });
    for (let i = 0; i < 100; i += 1) shedder.observe({ utilization: 1, meanDelayMs: 40 });
    expect(shedder.admitShare).toBe(MIN_ADMIT_SHARE);
    const admitted = Array.from({ length: 100 }, () => shedder.tryAdmit()).filter((a) => a === undefined);
    expect(admitted).toHaveLength(5);
  });

  it('gives a tenth of the traffic back per calm sample until everything is admitted again', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.9 });
    for (let i = 0; i < 3; i += 1) shedder.observe({ utilization: 0.95, meanDelayMs: LATE_MS });
    expect(shedder.admitShare).toBeCloseTo(0.512);
    shedder.observe(calm);
    expect(shedder.admitShare).toBeCloseTo(0.612);
    for (let i = 0; i < 4; i += 1) shedder.observe(calm);
    expect(shedder.admitShare).toBe(1);
    for (let i = 0; i < 100; i += 1) expect(shedder.tryAdmit()).toBeUndefined();
  });

  it('admits the share it names, to within one request, whatever the samples were', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }), fc.integer({ min: 1, max: 2_000 }), (loads, requests) => {
        const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.9 });
        for (const utilization of loads) shedder.observe({ utilization, meanDelayMs: 20 });
        expect(shedder.admitShare).toBeGreaterThanOrEqual(MIN_ADMIT_SHARE);
        expect(shedder.admitShare).toBeLessThanOrEqual(1);
        const admitted = Array.from({ length: requests }, () => shedder.tryAdmit()).filter((a) => a === undefined).length;
        expect(Math.abs(admitted - requests * shedder.admitShare)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('does not spend admission credit on a request the in-flight cap refuses', () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.9 });
    for (let i = 0; i < 4; i += 1) shedder.observe({ utilization: 1, meanDelayMs: LATE_MS });
    expect(shedder.admitShare).toBeCloseTo(0.4096);
    const first = Array.from({ length: 3 }, () => shedder.tryAdmit());
    expect(first).toEqual(['event-loop-utilization', 'event-loop-utilization', undefined]);
    expect(shedder.tryAdmit()).toBe('in-flight');
  });

  it('names the delay when both loop signals are over their thresholds', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 50, maxEventLoopUtilization: 0.5 });
    shedder.observe({ utilization: 1, meanDelayMs: 60 });
    expect(shedder.tryAdmit()).toBe('event-loop-delay');
  });

  it('does not count a request refused for the loop as in flight', () => {
    const shedder = new LoadShedder({ maxInFlight: 1, maxEventLoopDelayMs: 10, maxEventLoopUtilization: 0 });
    shedder.observe({ utilization: 1, meanDelayMs: 20 });
    expect(shedder.tryAdmit()).toBe('event-loop-delay');
    expect(shedder.inFlight).toBe(0);
  });
});
