import { KeyedWindows } from './keyed-windows';
import { SlidingWindowCounter } from './sliding-window-counter';

const counter = () => new SlidingWindowCounter(1000, 10);

describe(KeyedWindows.name, () => {
  it('returns the same state for a key and creates it once', () => {
    const keyed = new KeyedWindows<SlidingWindowCounter>({ maxKeys: 10, sweepEveryMs: 1000, slackMs: 0 });
    const create = jest.fn(counter);
    const first = keyed.get('k', 0, create);
    expect(keyed.get('k', 1, create)).toBe(first);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('drops the least recently used key at its cap', () => {
    const keyed = new KeyedWindows<SlidingWindowCounter>({ maxKeys: 2, sweepEveryMs: 1_000_000, slackMs: 0 });
    keyed.get('a', 0, counter);
    keyed.get('b', 0, counter);
    keyed.get('a', 0, counter);
    keyed.get('c', 0, counter);
    expect(keyed.size).toBe(2);
    expect(keyed.peek('b')).toBeUndefined();
    expect(keyed.peek('a')).toBeDefined();
  });

  it('sweeps keys idle for a window plus the slack as event time advances', () => {
    const keyed = new KeyedWindows<SlidingWindowCounter>({ maxKeys: 10, sweepEveryMs: 1000, slackMs: 500 });
    keyed.get('old', 0, counter).add(0, 'e1');
    keyed.get('recent', 600, counter).add(600, 'e2');
    keyed.get('trigger', 1600, counter).add(1600, 'e3');
    // at 1600 − 500 = 1100: 'old' (newest 0) is idle, 'recent' (newest 600) is not.
    expect(keyed.peek('old')).toBeUndefined();
    expect(keyed.peek('recent')).toBeDefined();
  });

  it('does not sweep before sweepEveryMs of event time has passed', () => {
    const keyed = new KeyedWindows<SlidingWindowCounter>({ maxKeys: 10, sweepEveryMs: 10_000, slackMs: 0 });
    keyed.get('first', 0, counter).add(0, 'e0');
    keyed.get('old', 1, counter).add(1, 'e1');
    keyed.get('later', 5000, counter).add(5000, 'e2');
    expect(keyed.peek('old')).toBeDefined();
  });
});
