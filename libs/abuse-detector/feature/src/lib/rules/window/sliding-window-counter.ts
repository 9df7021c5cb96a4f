/** One counted event: its time (ms since the epoch, from the event) and its CloudEvents id. */
export interface WindowEntry {
  readonly time: number;
  readonly id: string;
}

/**
 * Counts events in a sliding time window that ends at the newest time seen:
 * an event counts while `time > newest - windowMs` (an event exactly one
 * window older than the newest has left). Time comes from the events, so a
 * replay rebuilds the same count; events may arrive out of order (a
 * partition is ordered, the merge of partitions is not) and are placed by
 * time, but one that is already a full window older than the newest is
 * refused: the window it belonged to is gone.
 *
 * Hand-written rather than a rate-limiter library: those count against the
 * wall clock and keep no event ids, and the rules need both event time and
 * the evidence.
 */
export class SlidingWindowCounter {
  /** Sorted by time, oldest first; equal times keep their arrival order. */
  private entries: WindowEntry[] = [];
  private newest = Number.NEGATIVE_INFINITY;

  /**
   * @param windowMs the window's length
   * @param maxEntries at most this many entries are kept; beyond, the oldest
   *   are dropped, so the count saturates at `maxEntries` (a rule sets it to
   *   at least its threshold, so saturation never hides a crossing)
   */
  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {
    if (!(windowMs > 0) || !Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError('windowMs must be positive and maxEntries a positive integer');
    }
  }

  /** Counts an event; false (and nothing counted) when it is a full window older than the newest. */
  add(time: number, id: string): boolean {
    if (time <= this.newest - this.windowMs) {
      return false;
    }
    if (time > this.newest) {
      this.newest = time;
      this.evict();
    }
    let at = this.entries.length;
    while (at > 0 && (this.entries[at - 1] as WindowEntry).time > time) {
      at -= 1;
    }
    this.entries.splice(at, 0, { time, id });
    if (this.entries.length > this.maxEntries) {
      this.entries.shift();
    }
    return true;
  }

  /** Events in the window ending at the newest time seen. */
  get count(): number {
    return this.entries.length;
  }

  /** The newest time seen (−∞ before the first event); survives {@link clear}. */
  get newestTime(): number {
    return this.newest;
  }

  /** Time of the oldest counted event (+∞ when none). */
  get oldestTime(): number {
    return this.entries[0]?.time ?? Number.POSITIVE_INFINITY;
  }

  /** Ids of the counted events, oldest first, at most the `max` newest. */
  ids(max = 100): string[] {
    return this.entries.slice(-max).map((entry) => entry.id);
  }

  /**
   * Forgets the counted events (a rule re-arms after firing) but keeps the
   * newest time, so an event already a window late stays refused.
   */
  clear(): void {
    this.entries = [];
  }

  /** True when nothing seen could still count at `now`: the key can be forgotten. */
  isIdle(now: number): boolean {
    return this.newest <= now - this.windowMs;
  }

  private evict(): void {
    const horizon = this.newest - this.windowMs;
    let drop = 0;
    while (drop < this.entries.length && (this.entries[drop] as WindowEntry).time <= horizon) {
      drop += 1;
    }
    if (drop > 0) {
      this.entries.splice(0, drop);
    }
  }
}
