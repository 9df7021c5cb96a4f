import { LoadShedder } from './load-shedder';

const calm = { utilization: 0.5, meanDelayMs: 1 };

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

  it('sheds on utilisation only when that signal is on', () => {
    const off = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 });
    off.observe({ utilization: 1, meanDelayMs: 10_000 });
    expect(off.tryAdmit()).toBeUndefined();

    const on = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0.9 });
    on.observe({ utilization: 0.89, meanDelayMs: 0 });
    expect(on.tryAdmit()).toBeUndefined();
    on.observe({ utilization: 0.9, meanDelayMs: 0 });
    expect(on.tryAdmit()).toBe('event-loop-utilization');
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
