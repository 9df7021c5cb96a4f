import type { EventBus, EventBusOptions } from '../event-bus';
import { DeadlineExceededError, withDeadline } from '../transport/deadline';
import type { DurableSpool, SpoolSegment } from './durable-spool';
import type { SpooledEvent } from './spool-record';

/** Settings of a {@link SpoolDrainer}. */
export interface SpoolDrainerOptions {
  /** Events per `publishEnvelopes` call (default 500). */
  readonly batchSize?: number;
  /** Deadline of each republish (default 1000 ms); while handing over, new events wait at most about this long. */
  readonly sendDeadlineMs?: number;
  /** How often an empty spool is looked at (default 500 ms); a bus acknowledgement nudges sooner. */
  readonly idleIntervalMs?: number;
  /** First pause after a failed pass, doubled per failure (default 250 ms). */
  readonly minBackoffMs?: number;
  /** Longest pause after failures (default 5 s). */
  readonly maxBackoffMs?: number;
  readonly log?: EventBusOptions['log'];
  readonly now?: () => Date;
}

/** The last failed drain pass, for readiness and logs. */
export interface DrainError {
  readonly message: string;
  readonly at: Date;
  /** Consecutive failed passes; 0 once a later pass succeeded. */
  readonly failures: number;
}

/**
 * Republishes spooled events through the bus, oldest segment first and in
 * file order, and deletes a segment only after every event in it was
 * acknowledged. A crash between the acknowledgement and the delete
 * republishes the segment: delivery is at-least-once, and consumers
 * deduplicate by envelope id (the inbox), so that costs nothing but traffic.
 *
 * Handing over: new events join the spool while it holds any (see
 * AcknowledgedPublisher), so under steady load it would never empty. When
 * only a small open segment is left, the drainer holds the spool's intake,
 * seals and republishes that last part, and releases the intake; the held
 * publishers then find the spool empty and go to the bus. The hold lasts one
 * republish, bounded by `sendDeadlineMs`.
 */
export class SpoolDrainer {
  private readonly batchSize: number;
  private readonly sendDeadlineMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  private lastFailure: DrainError | undefined;
  /** The segment being republished: read once, with how many of its events were acknowledged. */
  private current: { readonly name: string; readonly events: readonly SpooledEvent[]; acked: number } | undefined;
  private hold: { readonly released: Promise<void>; readonly release: () => void } | undefined;

  constructor(
    private readonly bus: Pick<EventBus, 'publishEnvelopes'>,
    private readonly spool: DurableSpool,
    private readonly options: SpoolDrainerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.sendDeadlineMs = options.sendDeadlineMs ?? 1000;
  }

  /** The last failed pass, if any since start. */
  get lastError(): DrainError | undefined {
    return this.lastFailure && { ...this.lastFailure, failures: this.failures };
  }

  /** True while new events must wait: the last part of the spool is being republished. */
  get handingOver(): boolean {
    return this.hold !== undefined;
  }

  /** Resolves when the current hand-over is over (at once when there is none). */
  handedOver(): Promise<void> {
    return this.hold?.released ?? Promise.resolve();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Asks for a pass now, even during a backoff: the bus just acknowledged something. */
  nudge(): void {
    this.wake?.();
  }

  /**
   * Stops the loop, then makes one last attempt to empty the spool within
   * `finalDrainMs`. What is left stays on disk for the next start.
   */
  async stop(finalDrainMs = 3000): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.spool.isEmpty) return;
    try {
      const published = await this.drainOnce({ until: Date.now() + finalDrainMs });
      this.options.log?.('info', 'spool drained before shutdown', { republished: published });
    } catch (error) {
      this.options.log?.('warn', 'spool not drained before shutdown; the next start republishes the rest', {
        error: (error as Error).message,
        ...this.spool.stats(),
      });
    }
  }

  /**
   * One pass: republishes everything spooled (hand-over included unless
   * `until` is given) and returns how many events were acknowledged.
   * @throws the bus's error, or DeadlineExceededError past `until`.
   */
  async drainOnce(options: { readonly until?: number } = {}): Promise<number> {
    let published = 0;
    for (;;) {
      const segment = this.spool.oldestSealed();
      if (segment) {
        published += await this.drainSegment(segment, options.until);
        continue;
      }
      if (this.spool.isEmpty) return published;
      // Only the open segment (or an append in progress) is left.
      if (options.until !== undefined || this.spool.activeEvents > this.batchSize) {
        await this.spool.seal();
        continue;
      }
      return published + (await this.handOver());
    }
  }

  private async handOver(): Promise<number> {
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.hold = { released, release };
    try {
      await this.spool.seal();
      let published = 0;
      for (let s = this.spool.oldestSealed(); s; s = this.spool.oldestSealed()) published += await this.drainSegment(s);
      return published;
    } finally {
      this.hold = undefined;
      release();
    }
  }

  private async drainSegment(segment: SpoolSegment, until?: number): Promise<number> {
    if (this.current?.name !== segment.name) {
      this.current = { name: segment.name, events: await this.spool.read(segment), acked: 0 };
    }
    const current = this.current;
    const start = current.acked;
    while (current.acked < current.events.length) {
      const deadlineMs = until === undefined ? this.sendDeadlineMs : Math.min(this.sendDeadlineMs, until - Date.now());
      if (deadlineMs <= 0) throw new DeadlineExceededError('spool drain', this.sendDeadlineMs);
      const chunk = current.events.slice(current.acked, current.acked + this.batchSize);
      await withDeadline(this.bus.publishEnvelopes(chunk), deadlineMs, 'spool republish');
      current.acked += chunk.length;
    }
    // Only now is every event of the segment acknowledged.
    await this.spool.remove(segment);
    this.current = undefined;
    return current.acked - start;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pause = this.options.idleIntervalMs ?? 500;
      if (!this.spool.isEmpty) {
        try {
          const published = await this.drainOnce();
          if (this.failures > 0) this.options.log?.('info', 'spool drainer reached the bus again', { republished: published });
          this.failures = 0;
          continue;
        } catch (error) {
          this.recordFailure(error as Error);
          pause = Math.min((this.options.minBackoffMs ?? 250) * 2 ** (this.failures - 1), this.options.maxBackoffMs ?? 5000);
        }
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private recordFailure(error: Error): void {
    this.failures++;
    this.lastFailure = { message: error.message, at: this.options.now?.() ?? new Date(), failures: this.failures };
    // Once per streak: a broker outage would otherwise log every backoff step.
    if (this.failures === 1) {
      this.options.log?.('warn', 'could not republish spooled events; will retry', { error: error.message, ...this.spool.stats() });
    }
  }
}
