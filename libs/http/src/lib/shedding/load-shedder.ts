import type { EventLoopSample } from './event-loop-monitor';

/** Why a request was shed; the `reason` label of `latchkey_http_shed_requests_total`. */
export type ShedReason = 'in-flight' | 'event-loop-delay' | 'event-loop-utilization';

/** The thresholds of a {@link LoadShedder}; 0 turns a signal off. */
export interface LoadShedderLimits {
  /** Most requests admitted at once. */
  readonly maxInFlight: number;
  /** Mean event-loop delay (ms) from which the loop counts as stalled: every request is refused. */
  readonly maxEventLoopDelayMs: number;
  /** Event-loop utilisation (0–1) from which a loop also late by {@link STEER_MIN_DELAY_MS} has its admitted share cut. */
  readonly maxEventLoopUtilization: number;
  /**
   * Requests that must have arrived since the previous sample before a busy, late loop cuts the share
   * ({@link STEER_MIN_ARRIVALS} in services; 0 in tests that steer with samples alone).
   */
  readonly steerMinArrivals?: number;
}

/**
 * How the admitted share moves per sample (additive increase, multiplicative
 * decrease, as TCP's congestion window): a cut by a fifth when the loop was
 * at or over its utilisation target, a tenth of all traffic back when it was
 * under. At twice the capacity this settles within a second or so and then
 * swings by about ±10 % around the share the loop can serve.
 */
export const ADMIT_SHARE_DECREASE = 0.8;
export const ADMIT_SHARE_INCREASE = 0.1;
/**
 * The share never falls below this: the utilisation signal alone never
 * refuses everything (a loop busy only with refusals would otherwise never
 * serve again). A truly stalled loop is the delay signal's job.
 */
export const MIN_ADMIT_SHARE = 0.05;
/**
 * A busy loop is overloaded only when it is also late by this much (mean
 * delay per sample). Busy alone is not enough: on a host where the process
 * shares cores, a loop waiting for a core counts as busy, and the face-api
 * at 70 % of its capacity read 82–100 % busy while its mean delay stayed
 * under 3 ms in nine samples of ten. A loop that has fallen behind its
 * sockets reads every ready connection per turn, so each turn, and the
 * delay, grows with the backlog: 17–56 ms at twice the capacity. The delay
 * is also the wait of a request that has been read, so a loop on time has
 * no queue worth shedding.
 */
export const STEER_MIN_DELAY_MS = 15;
/**
 * The weight of the newest sample in the smoothed delay (an exponentially
 * weighted mean, about a second of memory at four samples a second). A loop
 * with spare capacity has lone late samples (a major GC, a burst of Kafka
 * acknowledgements: 2 % of samples at 15–33 ms at 70 % of capacity); a
 * loop behind its sockets is late sample after sample. Only the second
 * should cost requests.
 */
export const DELAY_SMOOTHING = 0.3;
/**
 * A loop busy and late while this service received fewer requests than this per sample (100 a second at
 * four samples a second) is late for another reason: another process on its cores, or, in the standalone
 * platform, another service sharing its loop. Refusing this service's few requests would not make the loop
 * any less late, so the share is not cut. Seen: a client sending one identify after another got 15 of 80
 * answers 503 while the machine was loaded by other work. An overload worth steering arrives at hundreds
 * to thousands a sample.
 */
export const STEER_MIN_ARRIVALS = 25;

/**
 * The shedding decision, kept free of HTTP and timers so it can be tested
 * with made-up samples. Three signals:
 *
 * - a count of admitted requests still in flight (checked on every request:
 *   a counter compare). It bounds the queue *inside* the process;
 * - the event loop's utilisation and delay, which steer the share of
 *   requests admitted. A loop at 100 % is one that cannot keep up: requests then wait
 *   in socket buffers, before any hook can see them, for as long as the
 *   overload lasts, and the in-flight count cannot notice (requests finish
 *   quickly once read; it is the reading that is late). Admitting only the
 *   share the loop can serve, and refusing the rest cheaply, keeps the loop
 *   on time, so that queue drains and the accepted p99 stays bounded;
 * - the mean event-loop delay, a backstop for stalls: over it, everything is
 *   refused until a calm sample.
 *
 * The loop signals are refreshed by the caller a few times a second, so a
 * request pays for a few field reads, not a measurement.
 */
export class LoadShedder {
  private inFlightCount = 0;
  private stalled = false;
  private share = 1;
  /** The mean delay, smoothed over the last samples ({@link DELAY_SMOOTHING}). */
  private smoothedDelayMs = 0;
  /** Admission credit: each request adds the share, an admission spends 1 (so it stays under 2). Spreads refusals evenly, with no randomness. */
  private credit = 0;
  /** Requests that asked for admission since the previous sample, admitted or not. */
  private arrivals = 0;

  constructor(private readonly limits: LoadShedderLimits) {}

  /** Requests admitted and not yet released. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** The share (0–1) of requests currently admitted by the utilisation signal. */
  get admitShare(): number {
    return this.share;
  }

  /** Records the event loop's state since the previous sample and adjusts the admitted share. */
  observe(sample: EventLoopSample): void {
    const { maxEventLoopDelayMs, maxEventLoopUtilization } = this.limits;
    this.stalled = maxEventLoopDelayMs > 0 && sample.meanDelayMs >= maxEventLoopDelayMs;
    if (maxEventLoopUtilization <= 0) return;
    this.smoothedDelayMs += DELAY_SMOOTHING * (sample.meanDelayMs - this.smoothedDelayMs);
    const busyWithUs = this.arrivals >= (this.limits.steerMinArrivals ?? 0);
    this.arrivals = 0;
    const overloaded = busyWithUs && sample.utilization >= maxEventLoopUtilization && this.smoothedDelayMs >= STEER_MIN_DELAY_MS;
    this.share = overloaded ? Math.max(MIN_ADMIT_SHARE, this.share * ADMIT_SHARE_DECREASE) : Math.min(1, this.share + ADMIT_SHARE_INCREASE);
  }

  /**
   * Admits a request (counting it in flight until {@link release}) or says why
   * it must be refused. A refused request is not counted.
   */
  tryAdmit(): ShedReason | undefined {
    this.arrivals += 1;
    if (this.stalled) return 'event-loop-delay';
    if (this.limits.maxInFlight > 0 && this.inFlightCount >= this.limits.maxInFlight) return 'in-flight';
    if (this.share < 1) {
      this.credit += this.share;
      if (this.credit < 1) return 'event-loop-utilization';
      this.credit -= 1;
    }
    this.inFlightCount += 1;
    return undefined;
  }

  /** An admitted request has been answered (or its connection closed). Call once per admission. */
  release(): void {
    if (this.inFlightCount > 0) this.inFlightCount -= 1;
  }
}
