import { LRUCache } from 'lru-cache';

/** What {@link KeyedWindows} can forget on its own. */
export interface Forgettable {
  /** True when nothing this state holds still matters at `now` (event time). */
  isIdle(now: number): boolean;
}

/**
 * A rule's state per subject (resource, jti, ISV, person), bounded two ways:
 * at most `maxKeys` subjects, the least recently seen dropped first (an
 * attacker spraying fresh subjects evicts only cold ones, and a dropped
 * subject that returns starts from an empty window: a possible miss, never a
 * false alarm); and, as event time passes, subjects whose windows are idle
 * are swept. The sweep keeps a further `slackMs` because partitions are not
 * merged in time order: a subject on a lagging partition keeps its window.
 */
export class KeyedWindows<S extends Forgettable> {
  private readonly states: LRUCache<string, S>;
  private watermark = Number.NEGATIVE_INFINITY;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: { readonly maxKeys: number; readonly sweepEveryMs: number; readonly slackMs: number }) {
    // No TTL: lru-cache's TTL reads the wall clock, and these windows run on event time.
    this.states = new LRUCache<string, S>({ max: options.maxKeys });
  }

  /** The state of `key`, created when absent; `time` (the event's) advances the sweep. */
  get(key: string, time: number, create: () => S): S {
    this.advance(time);
    let state = this.states.get(key);
    if (state === undefined) {
      state = create();
      this.states.set(key, state);
    }
    return state;
  }

  /** The state of `key` if held, without creating it or refreshing its recency. */
  peek(key: string): S | undefined {
    return this.states.peek(key);
  }

  /** How many subjects are held. */
  get size(): number {
    return this.states.size;
  }

  private advance(time: number): void {
    if (time > this.watermark) {
      this.watermark = time;
    }
    if (this.watermark - this.lastSweep < this.options.sweepEveryMs) {
      return;
    }
    this.lastSweep = this.watermark;
    const now = this.watermark - this.options.slackMs;
    const idle: string[] = [];
    for (const [key, state] of this.states.entries()) {
      if (state.isIdle(now)) {
        idle.push(key);
      }
    }
    for (const key of idle) {
      this.states.delete(key);
    }
  }
}
