import fc from 'fast-check';
import { BurstCounter } from './burst-counter';
import { DistinctWindowCounter } from './distinct-window-counter';
import { SlidingWindowCounter } from './sliding-window-counter';

const WINDOW = 1000;

/** The most events any half-open window (t − W, t] holds, t ranging over the event times. */
function densestWindow(times: readonly number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((u) => u > t - WINDOW && u <= t).length));
}

describe('window primitives (properties)', () => {
  it('SlidingWindowCounter counts, in any arrival order, exactly the accepted events in (newest − W, newest]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 60 }), (times) => {
        const window = new SlidingWindowCounter(WINDOW, 1000);
        const accepted: number[] = [];
        times.forEach((t, i) => {
          if (window.add(t, `e${i}`)) {
            accepted.push(t);
          }
        });
        const newest = Math.max(...times);
        expect(window.count).toBe(accepted.filter((t) => t > newest - WINDOW).length);
        // Refused events were already a window late when they arrived.
        expect(accepted.length + times.filter((t, i) => times.slice(0, i).some((u) => t <= u - WINDOW)).length).toBe(times.length);
      }),
    );
  });

  it('SlidingWindowCounter with in-order times counts the events of the last window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 60 }), (unsorted) => {
        const times = [...unsorted].sort((a, b) => a - b);
        const window = new SlidingWindowCounter(WINDOW, 1000);
        times.forEach((t, i) => window.add(t, `e${i}`));
        const newest = times.at(-1) as number;
        expect(window.count).toBe(times.filter((t) => t > newest - WINDOW).length);
      }),
    );
  });

  it('DistinctWindowCounter never counts more values than were seen, nor more than its cap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 5000 }), v: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        (sightings, cap) => {
          const window = new DistinctWindowCounter(WINDOW, cap);
          sightings.forEach(({ t, v }, i) => window.add(t, v, `e${i}`));
          expect(window.count).toBeLessThanOrEqual(Math.min(cap, new Set(sightings.map((s) => s.v)).size));
        },
      ),
    );
  });

  it('BurstCounter never reports traffic whose every window stays below the threshold, whatever the arrival order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 80 }), fc.integer({ min: 2, max: 10 }), (times, threshold) => {
        fc.pre(densestWindow(times) < threshold);
        const bursts = new BurstCounter({ windowMs: WINDOW, threshold, maxKeys: 10 });
        times.forEach((t, i) => expect(bursts.observe('k', t, `e${i}`)).toBeUndefined());
      }),
    );
  });

  it('BurstCounter with in-order events reports exactly on the event that brings the count since the last report to the threshold', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 10 }), (gaps, threshold) => {
        const bursts = new BurstCounter({ windowMs: WINDOW, threshold, maxKeys: 10 });
        // A reference model: the events since the last report still inside the window.
        let pending: number[] = [];
        let t = 0;
        gaps.forEach((gap, i) => {
          t += gap;
          const now = t;
          pending = [...pending.filter((u) => u > now - WINDOW), now];
          const burst = bursts.observe('k', now, `e${i}`);
          if (pending.length >= threshold) {
            expect(burst?.count).toBe(threshold);
            expect(burst?.evidenceEventIds.at(-1)).toBe(`e${i}`);
            pending = [];
          } else {
            expect(burst).toBeUndefined();
          }
        });
      }),
    );
  });
});
