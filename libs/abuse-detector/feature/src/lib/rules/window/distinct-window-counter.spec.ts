import { DistinctWindowCounter } from './distinct-window-counter';

describe(DistinctWindowCounter.name, () => {
  it('counts each value once however often it is seen', () => {
    const window = new DistinctWindowCounter(60_000, 100);
    for (let i = 0; i < 50; i += 1) {
      window.add(i, '198.51.100.1', `e${i}`);
    }
    window.add(60, '198.51.100.2', 'other');
    expect(window.count).toBe(2);
    expect(window.ids()).toEqual(['e49', 'other']);
  });

  it('drops a value whose latest sighting is exactly one window older than the newest', () => {
    const window = new DistinctWindowCounter(60_000, 100);
    window.add(0, 'a', 'e1');
    window.add(60_000, 'b', 'e2');
    expect(window.has('a')).toBe(false);
    expect(window.count).toBe(1);
  });

  it('keeps a value seen again inside the window', () => {
    const window = new DistinctWindowCounter(60_000, 100);
    window.add(0, 'a', 'e1');
    window.add(30_000, 'a', 'e2');
    window.add(60_000, 'b', 'e3');
    expect(window.count).toBe(2);
    expect(window.ids()).toEqual(['e2', 'e3']);
  });

  it('keeps the latest sighting when an older one arrives out of order', () => {
    const window = new DistinctWindowCounter(60_000, 100);
    window.add(50_000, 'a', 'late-but-newer');
    window.add(10_000, 'a', 'older');
    window.add(69_000, 'b', 'e3');
    expect(window.has('a')).toBe(true);
    expect(window.ids()).toEqual(['late-but-newer', 'e3']);
  });

  it('refuses a sighting a full window older than the newest', () => {
    const window = new DistinctWindowCounter(1000, 100);
    window.add(5000, 'a', 'e1');
    expect(window.add(4000, 'b', 'e2')).toBe(false);
    expect(window.count).toBe(1);
  });

  it('at its cap drops the value seen longest ago', () => {
    const window = new DistinctWindowCounter(60_000, 2);
    window.add(3, 'a', 'e1');
    window.add(1, 'b', 'e2');
    window.add(2, 'c', 'e3');
    expect(window.count).toBe(2);
    expect(window.has('b')).toBe(false);
  });

  it('forgets its values on clear and goes idle a window after its newest sighting', () => {
    const window = new DistinctWindowCounter(1000, 10);
    window.add(5000, 'a', 'e1');
    window.clear();
    expect(window.count).toBe(0);
    expect(window.isIdle(5999)).toBe(false);
    expect(window.isIdle(6000)).toBe(true);
  });
});
