import type { EventEnvelope } from '@latchkey/contracts';
import type { AlertSeverity, AlertSubject, Finding, Rule, RuleContext } from './rule';
import { describeWindow, eventTimeMs, findingAt } from './rule-support';
import type { BurstRuleConfig } from './rules.config';
import { BurstCounter } from './window/burst-counter';

/** What a burst rule counts one event against, and how its finding reads. */
export interface BurstSighting {
  /** The window's key (the subject's id, canonical). */
  readonly key: string;
  readonly subject: AlertSubject;
  readonly isvId: string | null;
  readonly resourceId: string | null;
  /** The explanation, given the count that crossed the threshold and the window in words. */
  explain(count: number, window: string): string;
}

/**
 * "At least `threshold` events about one subject within `windowMs`": the
 * shape of several rules (feature probing, exchange and RBAC denial
 * bursts), which differ only in which events count, against which subject,
 * and how the finding reads. A rule says that in `sighting`; the counting,
 * the evidence and the finding are here.
 */
export abstract class BurstRule implements Rule {
  abstract readonly id: string;
  abstract readonly types: readonly string[];
  protected abstract readonly severity: AlertSeverity;
  private readonly bursts: BurstCounter;

  constructor(
    protected readonly config: BurstRuleConfig,
    maxKeys: number,
  ) {
    this.bursts = new BurstCounter({ ...config, maxKeys });
  }

  /** Event history a restart must replay to rebuild this rule's windows (see docs/ABUSE.md). */
  get replayHorizonMs(): number {
    return this.config.windowMs;
  }

  /** The subject `event` counts against, or undefined when it does not count for this rule. */
  protected abstract sighting(event: EventEnvelope, context: RuleContext): BurstSighting | undefined;

  consider(event: EventEnvelope, context: RuleContext): readonly Finding[] {
    const sighting = this.sighting(event, context);
    if (sighting === undefined) return [];
    const burst = this.bursts.observe(sighting.key, eventTimeMs(event), event.id);
    if (burst === undefined) return [];
    return [
      findingAt(event, {
        ruleId: this.id,
        severity: this.severity,
        subject: sighting.subject,
        isvId: sighting.isvId,
        resourceId: sighting.resourceId,
        evidenceEventIds: burst.evidenceEventIds,
        explanation: sighting.explain(burst.count, describeWindow(this.config.windowMs)),
      }),
    ];
  }
}
