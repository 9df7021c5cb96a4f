import type { EventEnvelope } from '@latchkey/contracts';
import type { Finding, RuleContext } from '../rules/rule';

/**
 * What the detection consumer needs of the rules: every event considered
 * in order, the findings it completes. The rule engine
 * (rules/rule-engine.ts, `RuleEngine` over `defaultRules(config)`)
 * satisfies it; tests pass their own.
 */
export interface DetectionRules {
  consider(event: EventEnvelope, context: RuleContext): readonly Finding[];
  /** How much event history rebuilds the rules' state (RuleEngine.replayHorizonMs); none when absent. */
  readonly replayHorizonMs?: number;
}

/** Injection token of the {@link DetectionRules} the detection consumer runs. */
export const DETECTION_RULES = Symbol('latchkey:abuseDetectionRules');

/** Injection token of the detector's clock (revocation watermarks, escalation windows, acknowledgements); tests pass their own. */
export const ABUSE_CLOCK = Symbol('latchkey:abuseClock');

/** A clock: the current time. */
export type Clock = () => Date;
