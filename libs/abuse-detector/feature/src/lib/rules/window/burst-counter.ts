import { KeyedWindows } from './keyed-windows';
import { SlidingWindowCounter } from './sliding-window-counter';

/** What a {@link BurstCounter} reports when a subject's count reaches the threshold. */
export interface Burst {
  /** Events counted in the window, the threshold itself. */
  readonly count: number;
  /** Their ids, oldest first (at most 100). */
  readonly evidenceEventIds: readonly string[];
  /** Time of the oldest counted event (ms). */
  readonly firstTime: number;
}

/** Window, threshold and key cap of a {@link BurstCounter}. */
export interface BurstOptions {
  readonly windowMs: number;
  readonly threshold: number;
  readonly maxKeys: number;
}

/**
 * "At least `threshold` events per subject within `windowMs`", re-armed on
 * firing: the event that brings the count to the threshold reports a
 * {@link Burst} and empties the window, so sustained abuse reports once per
 * `threshold` further events (the alert's count grows) rather than on every
 * event, and the evidence is exactly the events that crossed.
 */
export class BurstCounter {
  private readonly windows: KeyedWindows<SlidingWindowCounter>;

  constructor(private readonly options: BurstOptions) {
    if (!Number.isInteger(options.threshold) || options.threshold < 1) {
      throw new RangeError('threshold must be a positive integer');
    }
    this.windows = new KeyedWindows({ maxKeys: options.maxKeys, sweepEveryMs: options.windowMs, slackMs: options.windowMs });
  }

  /** Counts one event of `key`; the burst when this event brings the count to the threshold. */
  observe(key: string, time: number, eventId: string): Burst | undefined {
    const window = this.windows.get(key, time, () => new SlidingWindowCounter(this.options.windowMs, this.options.threshold));
    if (!window.add(time, eventId) || window.count < this.options.threshold) {
      return undefined;
    }
    const ids = window.ids(this.options.threshold);
    const burst: Burst = { count: window.count, evidenceEventIds: ids.slice(-100), firstTime: window.oldestTime };
    window.clear();
    return burst;
  }

  /** How many subjects are held (for tests of the bound). */
  get keys(): number {
    return this.windows.size;
  }
}
