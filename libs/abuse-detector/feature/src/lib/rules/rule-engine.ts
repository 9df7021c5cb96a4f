import type { EventEnvelope } from '@latchkey/contracts';
import { ClientRateRule } from './client-rate.rule';
import { ExchangeDenialsRule } from './exchange-denials.rule';
import { FeatureProbingRule } from './feature-probing.rule';
import { ForeignResourceRule } from './foreign-resource.rule';
import { IsvIssuanceRule } from './isv-issuance.rule';
import { JtiSpreadRule } from './jti-spread.rule';
import { RbacDenialsRule } from './rbac-denials.rule';
import type { Finding, Rule, RuleContext } from './rule';
import { DEFAULT_RULES_CONFIG, type RulesConfig } from './rules.config';
import { StaleTokenUseRule } from './stale-token-use.rule';

/** The rules of issue 6 with `config`'s windows and thresholds. */
export function defaultRules(config: RulesConfig = DEFAULT_RULES_CONFIG): Rule[] {
  const max = config.maxKeysPerRule;
  return [
    new ForeignResourceRule(),
    new FeatureProbingRule(config.featureProbing, max),
    new JtiSpreadRule(config.jtiSpread, max),
    new ClientRateRule(config.clientRate, max),
    new IsvIssuanceRule(config.isvIssuance, max),
    new StaleTokenUseRule(config.staleTokenUse, max),
    new ExchangeDenialsRule(config.exchangeDenials, max),
    new RbacDenialsRule(config.rbacDenials, max),
  ];
}

/**
 * Runs every event through the rules that declared its type and collects
 * their findings. Holds no state of its own: the rules keep their windows.
 */
export class RuleEngine {
  private readonly byType = new Map<string, Rule[]>();

  constructor(readonly rules: readonly Rule[]) {
    const ids = new Set<string>();
    for (const rule of rules) {
      // Alerts are deduplicated by rule id: two rules under one id would merge unrelated alerts.
      if (ids.has(rule.id)) {
        throw new Error(`two rules share the id ${rule.id}`);
      }
      ids.add(rule.id);
      for (const type of rule.types) {
        this.byType.set(type, [...(this.byType.get(type) ?? []), rule]);
      }
    }
  }

  /** CloudEvents types some rule reads: what the consumer subscribes to. */
  get types(): readonly string[] {
    return [...this.byType.keys()];
  }

  /**
   * How far back, in event time, a restart must replay the stream (in order
   * per partition) for the rules to rebuild their state: the longest
   * `replayHorizonMs` a rule declares (its window, or a baseline's memory).
   */
  get replayHorizonMs(): number {
    return Math.max(
      0,
      ...this.rules.map((rule) => ('replayHorizonMs' in rule && typeof rule.replayHorizonMs === 'number' ? rule.replayHorizonMs : 0)),
    );
  }

  /** Every finding of every rule that reads `event`'s type, in rule order. */
  consider(event: EventEnvelope, context: RuleContext): Finding[] {
    const rules = this.byType.get(event.type) ?? [];
    return rules.flatMap((rule) => rule.consider(event, context));
  }
}
