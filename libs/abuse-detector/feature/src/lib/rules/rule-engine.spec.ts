import { ExchangeDeniedV1, LatIssuedV1, LatRejectedV1, LatUsedV1, RbacDeniedV1, type EventEnvelope } from '@latchkey/contracts';
import { aResourceId, anEnvelope } from '@latchkey/contracts/testing';
import type { Finding, Rule } from './rule';
import { defaultRules, RuleEngine } from './rule-engine';
import { DEFAULT_RULES_CONFIG } from './rules.config';
import { at, contextKnowing } from './rule-testing';

class RecordingRule implements Rule {
  readonly seen: string[] = [];
  constructor(
    readonly id: string,
    readonly types: readonly string[],
  ) {}
  consider(event: EventEnvelope): readonly Finding[] {
    this.seen.push(event.id);
    return [
      {
        ruleId: this.id,
        severity: 'low',
        subject: { kind: 'isv', id: 'x' },
        isvId: null,
        resourceId: null,
        evidenceEventIds: [event.id],
        explanation: this.id,
        observedAt: new Date(event.time),
      },
    ];
  }
}

describe(RuleEngine.name, () => {
  it('dispatches an event only to the rules that declared its type and returns all their findings', () => {
    const used = new RecordingRule('used', [LatUsedV1.type]);
    const both = new RecordingRule('both', [LatUsedV1.type, LatRejectedV1.type]);
    const engine = new RuleEngine([used, both]);
    const rejected = anEnvelope(LatRejectedV1, {}, at(0));
    expect(engine.consider(rejected, contextKnowing()).map((f) => f.ruleId)).toEqual(['both']);
    expect(engine.consider(anEnvelope(LatUsedV1, {}, at(1)), contextKnowing()).map((f) => f.ruleId)).toEqual(['used', 'both']);
    expect(used.seen).toHaveLength(1);
    expect(engine.consider(anEnvelope(LatIssuedV1, {}, at(2)), contextKnowing())).toEqual([]);
  });

  it('refuses two rules under one id (alerts are deduplicated by rule id)', () => {
    expect(() => new RuleEngine([new RecordingRule('a', []), new RecordingRule('a', [])])).toThrow(/share the id a/);
  });

  it('runs the default rules over the five event types the issue names', () => {
    const engine = new RuleEngine(defaultRules());
    expect(new Set(engine.types)).toEqual(new Set([LatRejectedV1.type, LatUsedV1.type, LatIssuedV1.type, ExchangeDeniedV1.type, RbacDeniedV1.type]));
    expect(engine.rules.map((r) => r.id)).toEqual([
      'foreign-resource',
      'feature-probing',
      'jti-spread',
      'client-rate',
      'isv-issuance',
      'stale-token-use',
      'exchange-denials',
      'rbac-denials',
    ]);
  });

  it('raises the foreign-resource alert end to end through the default rules', () => {
    const engine = new RuleEngine(defaultRules());
    const owner = aResourceId();
    const context = contextKnowing({ j1: { isvId: 'isv-a', resourceId: owner } });
    const findings = engine.consider(anEnvelope(LatRejectedV1, { jti: 'j1', reason: 'LAT.WRONG_RESOURCE' }, at(0)), context);
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['foreign-resource', 'critical']]);
  });

  it('declares the longest state any default rule needs as the replay horizon', () => {
    const engine = new RuleEngine(defaultRules());
    expect(engine.replayHorizonMs).toBe(DEFAULT_RULES_CONFIG.isvIssuance.rememberResourcesMs);
    expect(new RuleEngine([new RecordingRule('a', [])]).replayHorizonMs).toBe(0);
  });

  it('rebuilds the same state when fed the same events again: a replayed engine fires where the live one did', () => {
    const resource = aResourceId();
    const events = Array.from({ length: 25 }, (_, i) =>
      anEnvelope(LatRejectedV1, { resourceId: resource, reason: i % 2 ? 'LAT.FEATURE_MISSING' : 'LAT.EXPIRED' }, at(i * 1000)),
    );
    const run = () => {
      const engine = new RuleEngine(defaultRules());
      return events.flatMap((e) => engine.consider(e, contextKnowing()).map((f) => `${e.id}:${f.ruleId}`));
    };
    const live = run();
    expect(live.length).toBeGreaterThan(0);
    expect(run()).toEqual(live);
  });
});
