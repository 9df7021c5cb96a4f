import type { RateRuleConfig } from './rules.config';
import type { RateReading } from './window/rate-baseline';

/**
 * Whether a minute's count is far above the subject's baseline: past the
 * warm-up, above the floor, above `multiplier` × baseline, and not yet
 * reported this minute (one finding per subject and minute at most).
 */
export function isFarAboveBaseline(reading: RateReading, config: RateRuleConfig): boolean {
  return (
    !reading.reported &&
    reading.minutesObserved >= config.warmUpMinutes &&
    reading.count > config.floorPerMinute &&
    reading.count > config.multiplier * reading.baseline
  );
}

/** "250 in the current minute against a baseline of 12.3/min (10 min observed; thresholds > 10× and > 100/min)". */
export function describeRate(reading: RateReading, config: RateRuleConfig): string {
  return (
    `${reading.count} in the current minute against a baseline of ${reading.baseline.toFixed(1)}/min ` +
    `(${reading.minutesObserved} min observed; thresholds > ${config.multiplier}× baseline and > ${config.floorPerMinute}/min)`
  );
}
