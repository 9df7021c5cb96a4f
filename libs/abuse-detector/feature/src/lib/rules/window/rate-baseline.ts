/** What a {@link RateBaseline} knows after counting an event. */
export interface RateReading {
  /** Events in the current minute so far, this one included. */
  readonly count: number;
  /** EWMA of the previous minutes' counts (quiet minutes count as 0). */
  readonly baseline: number;
  /** Whole minutes observed before the current one, since the subject was first seen (capped). */
  readonly minutesObserved: number;
  /** Whether a finding was already reported for the current minute. */
  readonly reported: boolean;
  /** Ids of the current minute's events, oldest first (the 100 newest). */
  readonly evidenceEventIds: readonly string[];
}

const MINUTE_MS = 60_000;
const MAX_EVIDENCE = 100;
/** `minutesObserved` stops here: only "past the warm-up or not" matters, and a cap keeps a replay's state equal to the live one. */
const MAX_MINUTES = 10_000;

/**
 * One subject's rate per calendar minute (event time) against its own
 * baseline: an exponentially weighted moving average of its previous
 * minutes' counts. A minute for which a finding was reported is not folded
 * into the baseline, so abuse does not teach the baseline that abuse is
 * normal; it still counts towards the warm-up.
 *
 * Per-subject events arrive in partition order; an event from a minute
 * before the current one (a rare cross-partition straggler) is ignored.
 */
export class RateBaseline {
  private minute = Number.NaN;
  private count = 0;
  private ewma = 0;
  private minutes = 0;
  private reportedMinute = Number.NaN;
  private evidence: string[] = [];
  private newest = Number.NEGATIVE_INFINITY;

  /**
   * @param alpha weight of the newest minute in the EWMA, in (0, 1]
   * @param forgetAfterMs a subject silent this long is forgotten (and warms up again when it returns)
   */
  constructor(
    private readonly alpha: number,
    private readonly forgetAfterMs: number,
  ) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new RangeError('alpha must be in (0, 1]');
    }
  }

  /** Counts one event; undefined when it belongs to a minute already closed. */
  add(time: number, id: string): RateReading | undefined {
    const minute = Math.floor(time / MINUTE_MS);
    if (minute < this.minute) {
      return undefined;
    }
    if (Number.isNaN(this.minute)) {
      this.minute = minute;
    } else if (minute > this.minute) {
      this.close(minute);
    }
    this.newest = Math.max(this.newest, time);
    this.count += 1;
    this.evidence.push(id);
    if (this.evidence.length > MAX_EVIDENCE) {
      this.evidence.shift();
    }
    return {
      count: this.count,
      baseline: this.ewma,
      minutesObserved: this.minutes,
      reported: this.reportedMinute === this.minute,
      evidenceEventIds: [...this.evidence],
    };
  }

  /** Marks the current minute as reported: no second finding for it, and it stays out of the baseline. */
  markReported(): void {
    this.reportedMinute = this.minute;
  }

  isIdle(now: number): boolean {
    return this.newest <= now - this.forgetAfterMs;
  }

  private close(next: number): void {
    if (this.reportedMinute !== this.minute) {
      this.ewma = this.minutes === 0 ? this.count : this.alpha * this.count + (1 - this.alpha) * this.ewma;
    }
    const quiet = next - this.minute - 1;
    // Quiet minutes are zeros folded into the average.
    this.ewma *= (1 - this.alpha) ** quiet;
    this.minutes = Math.min(MAX_MINUTES, this.minutes + 1 + quiet);
    this.minute = next;
    this.count = 0;
    this.evidence = [];
  }
}
