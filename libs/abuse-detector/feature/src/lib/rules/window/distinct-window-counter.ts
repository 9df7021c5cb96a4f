/**
 * Counts distinct values (client IPs, user agents, resources) seen in a
 * sliding time window ending at the newest time seen, with the same edges
 * as {@link SlidingWindowCounter}: a value counts while its latest
 * sighting is newer than `newest - windowMs`. Only the latest sighting of
 * each value is kept, so memory follows the number of distinct values, not
 * the traffic (one token used a million times from one address is one
 * entry).
 */
export class DistinctWindowCounter {
  /** value → its latest sighting. */
  private readonly latest = new Map<string, { readonly time: number; readonly id: string }>();
  private newest = Number.NEGATIVE_INFINITY;

  /**
   * @param windowMs the window's length
   * @param maxValues at most this many values are kept; beyond, the one seen
   *   longest ago is dropped, so the count saturates at `maxValues`
   */
  constructor(
    private readonly windowMs: number,
    private readonly maxValues: number,
  ) {
    if (!(windowMs > 0) || !Number.isInteger(maxValues) || maxValues < 1) {
      throw new RangeError('windowMs must be positive and maxValues a positive integer');
    }
  }

  /** Records a sighting of `value`; false (nothing recorded) when it is a full window older than the newest. */
  add(time: number, value: string, id: string): boolean {
    if (time <= this.newest - this.windowMs) {
      return false;
    }
    if (time > this.newest) {
      this.newest = time;
      this.evict();
    }
    const previous = this.latest.get(value);
    if (previous === undefined || previous.time <= time) {
      this.latest.set(value, { time, id });
    }
    if (this.latest.size > this.maxValues) {
      this.latest.delete(this.oldestValue() as string);
    }
    return true;
  }

  /** Whether `value` counts in the window now. */
  has(value: string): boolean {
    return this.latest.has(value);
  }

  /** Distinct values in the window ending at the newest time seen. */
  get count(): number {
    return this.latest.size;
  }

  /** The latest event id of each counted value, oldest first, at most the `max` newest. */
  ids(max = 100): string[] {
    return [...this.latest.values()]
      .sort((a, b) => a.time - b.time)
      .slice(-max)
      .map((sighting) => sighting.id);
  }

  /** Forgets the counted values (a rule re-arms after firing); keeps the newest time. */
  clear(): void {
    this.latest.clear();
  }

  /** True when nothing seen could still count at `now`. */
  isIdle(now: number): boolean {
    return this.newest <= now - this.windowMs;
  }

  private evict(): void {
    const horizon = this.newest - this.windowMs;
    for (const [value, sighting] of this.latest) {
      if (sighting.time <= horizon) {
        this.latest.delete(value);
      }
    }
  }

  private oldestValue(): string | undefined {
    let oldest: string | undefined;
    let oldestTime = Number.POSITIVE_INFINITY;
    for (const [value, sighting] of this.latest) {
      if (sighting.time < oldestTime) {
        oldest = value;
        oldestTime = sighting.time;
      }
    }
    return oldest;
  }
}
