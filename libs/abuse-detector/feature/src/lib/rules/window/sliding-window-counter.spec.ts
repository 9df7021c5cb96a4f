import { SlidingWindowCounter } from './sliding-window-counter';

describe(SlidingWindowCounter.name, () => {
  it('counts events within the window ending at the newest time', () => {
    const window = new SlidingWindowCounter(60_000, 100);
    window.add(0, 'a');
    window.add(30_000, 'b');
    window.add(59_999, 'c');
    expect(window.count).toBe(3);
    expect(window.ids()).toEqual(['a', 'b', 'c']);
  });

  it('drops an event exactly one window older than the newest (the window is (newest − W, newest])', () => {
    const window = new SlidingWindowCounter(60_000, 100);
    window.add(0, 'a');
    window.add(60_000, 'b');
    expect(window.count).toBe(1);
    expect(window.ids()).toEqual(['b']);
  });

  it('keeps an event one millisecond inside the window', () => {
    const window = new SlidingWindowCounter(60_000, 100);
    window.add(1, 'a');
    window.add(60_000, 'b');
    expect(window.count).toBe(2);
  });

  it('places an out-of-order event by its time', () => {
    const window = new SlidingWindowCounter(60_000, 100);
    window.add(10_000, 'b');
    window.add(20_000, 'c');
    expect(window.add(5_000, 'a')).toBe(true);
    expect(window.ids()).toEqual(['a', 'b', 'c']);
    expect(window.oldestTime).toBe(5_000);
  });

  it('refuses a late event already a full window older than the newest', () => {
    const window = new SlidingWindowCounter(60_000, 100);
    window.add(100_000, 'b');
    expect(window.add(40_000, 'a')).toBe(false);
    expect(window.add(40_001, 'a2')).toBe(true);
    expect(window.ids()).toEqual(['a2', 'b']);
  });

  it('evicts what fell out as time advances', () => {
    const window = new SlidingWindowCounter(1000, 100);
    for (let t = 0; t < 10_000; t += 100) {
      window.add(t, `e${t}`);
    }
    expect(window.count).toBe(10);
    expect(window.ids()[0]).toBe('e9000');
  });

  it('saturates at maxEntries, keeping the newest', () => {
    const window = new SlidingWindowCounter(60_000, 3);
    ['a', 'b', 'c', 'd'].forEach((id, i) => window.add(i, id));
    expect(window.count).toBe(3);
    expect(window.ids()).toEqual(['b', 'c', 'd']);
  });

  it('forgets its events on clear but still refuses late ones', () => {
    const window = new SlidingWindowCounter(1000, 10);
    window.add(5000, 'a');
    window.clear();
    expect(window.count).toBe(0);
    expect(window.add(4000, 'late')).toBe(false);
    expect(window.newestTime).toBe(5000);
  });

  it('is idle once its newest event is a window old', () => {
    const window = new SlidingWindowCounter(1000, 10);
    window.add(5000, 'a');
    expect(window.isIdle(5999)).toBe(false);
    expect(window.isIdle(6000)).toBe(true);
  });

  it('rejects a window or cap that is not positive', () => {
    expect(() => new SlidingWindowCounter(0, 10)).toThrow(RangeError);
    expect(() => new SlidingWindowCounter(1000, 0)).toThrow(RangeError);
  });
});
