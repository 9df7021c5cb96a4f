import type { EventLoopSample } from './event-loop-monitor';

/** Why a request was shed; the `reason` label of `latchkey_http_shed_requests_total`. */
export type ShedReason = 'in-flight' | 'event-loop-delay' | 'event-loop-utilization';

/** The thresholds of a {@link LoadShedder}; 0 turns a signal off. */
export interface LoadShedderLimits {
  /** Most requests admitted at once. */
  readonly maxInFlight: number;
  /** Mean event-loop delay (ms) from which the loop counts as overloaded. */
  readonly maxEventLoopDelayMs: number;
  /** Event-loop utilisation (0–1) from which the loop counts as overloaded. */
  readonly maxEventLoopUtilization: number;
}

/**
 * The shedding decision, kept free of HTTP and timers so it can be tested
 * with made-up samples. Two signals: a count of admitted requests still in
 * flight (checked on every request: a counter compare), and the event loop's
 * state as of the last sample (refreshed by the caller a few times a second,
 * so a request pays for a field read, not a measurement).
 */
export class LoadShedder {
  private inFlightCount = 0;
  private loopVerdict: ShedReason | undefined;

  constructor(private readonly limits: LoadShedderLimits) {}

  /** Requests admitted and not yet released. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Records the event loop's state; requests are shed while the latest sample is over a threshold. */
  observe(sample: EventLoopSample): void {
    const { maxEventLoopDelayMs, maxEventLoopUtilization } = this.limits;
    if (maxEventLoopDelayMs > 0 && sample.meanDelayMs >= maxEventLoopDelayMs) this.loopVerdict = 'event-loop-delay';
    else if (maxEventLoopUtilization > 0 && sample.utilization >= maxEventLoopUtilization) this.loopVerdict = 'event-loop-utilization';
    else this.loopVerdict = undefined;
  }

  /**
   * Admits a request (counting it in flight until {@link release}) or says why
   * it must be refused. A refused request is not counted.
   */
  tryAdmit(): ShedReason | undefined {
    if (this.loopVerdict !== undefined) return this.loopVerdict;
    if (this.limits.maxInFlight > 0 && this.inFlightCount >= this.limits.maxInFlight) return 'in-flight';
    this.inFlightCount += 1;
    return undefined;
  }

  /** An admitted request has been answered (or its connection closed). Call once per admission. */
  release(): void {
    if (this.inFlightCount > 0) this.inFlightCount -= 1;
  }
}
