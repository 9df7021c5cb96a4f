import { LatRejectedV1, type EventInput } from '@latchkey/contracts';
import { aResourceId, anEnvelope } from '@latchkey/contracts/testing';
import { FeatureProbingRule } from './feature-probing.rule';
import { at, contextKnowing } from './rule-testing';

describe(FeatureProbingRule.name, () => {
  const resource = aResourceId();
  const config = { windowMs: 60_000, threshold: 3 };
  const probe = (ms: number, overrides: Partial<EventInput<typeof LatRejectedV1>> = {}) =>
    anEnvelope(LatRejectedV1, { resourceId: resource, reason: 'LAT.FEATURE_MISSING', feature: 'Face.Verification', ...overrides }, at(ms));

  it('stays quiet one below the threshold', () => {
    const rule = new FeatureProbingRule(config, 100);
    expect([probe(0), probe(1000)].flatMap((e) => rule.consider(e, contextKnowing()))).toEqual([]);
  });

  it('raises medium when the refusals per client resource reach the threshold within the window', () => {
    const rule = new FeatureProbingRule(config, 100);
    const events = [probe(0), probe(20_000, { resourceId: resource.toUpperCase() }), probe(59_999, { jti: 'j-1' })];
    const findings = events.flatMap((e) => rule.consider(e, contextKnowing({ 'j-1': { isvId: 'isv-a', resourceId: resource } })));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'feature-probing',
      severity: 'medium',
      subject: { kind: 'resource', id: resource },
      isvId: 'isv-a',
      resourceId: resource,
      evidenceEventIds: events.map((e) => e.id),
      explanation: `Resource ${resource} had 3 refusals for features its tokens lack within 1 min (threshold 3); the latest asked for Face.Verification on face.verify.`,
    });
  });

  it('does not add up refusals further apart than the window', () => {
    const rule = new FeatureProbingRule(config, 100);
    expect([probe(0), probe(30_000), probe(60_000)].flatMap((e) => rule.consider(e, contextKnowing()))).toEqual([]);
  });

  it('never takes the ISV from the token’s claim', () => {
    const rule = new FeatureProbingRule(config, 100);
    const findings = [probe(0), probe(1), probe(2, { isvId: 'isv-claimed' })].flatMap((e) => rule.consider(e, contextKnowing()));
    expect(findings[0]?.isvId).toBeNull();
  });

  it('ignores other refusal reasons and refusals that name no resource', () => {
    const rule = new FeatureProbingRule(config, 100);
    const events = [
      probe(0, { reason: 'LAT.EXPIRED' }),
      probe(1, { resourceId: null }),
      probe(2, { resourceId: null }),
      probe(3, { reason: 'LAT.EXPIRED' }),
    ];
    expect(events.flatMap((e) => rule.consider(e, contextKnowing()))).toEqual([]);
  });
});
