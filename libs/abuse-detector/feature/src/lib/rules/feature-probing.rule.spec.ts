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

  it('raises medium when the refusals per client resource and ISV reach the threshold within the window', () => {
    const rule = new FeatureProbingRule(config, 100);
    const events = [probe(0, { jti: 'j-1' }), probe(20_000, { jti: 'j-1', resourceId: resource.toUpperCase() }), probe(59_999, { jti: 'j-2' })];
    const context = contextKnowing({ 'j-1': { isvId: 'isv-a', resourceId: resource }, 'j-2': { isvId: 'isv-a', resourceId: resource } });
    const findings = events.flatMap((e) => rule.consider(e, context));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'feature-probing',
      severity: 'medium',
      subject: { kind: 'resource', id: resource },
      isvId: 'isv-a',
      resourceId: resource,
      evidenceEventIds: events.map((e) => e.id),
      explanation: `Resource ${resource} of ISV isv-a had 3 refusals for features its tokens lack within 1 min (threshold 3); the latest asked for Face.Verification on face.verify.`,
    });
  });

  it('counts the tokens of two ISVs sharing one client resource apart, and names only the ISV whose refusals crossed', () => {
    const rule = new FeatureProbingRule(config, 100);
    const context = contextKnowing({ 'j-a': { isvId: 'isv-a', resourceId: resource }, 'j-b': { isvId: 'isv-b', resourceId: resource } });
    const ofA = [probe(0, { jti: 'j-a' }), probe(2, { jti: 'j-a' }), probe(4, { jti: 'j-a' })];
    const ofB = [probe(1, { jti: 'j-b' }), probe(3, { jti: 'j-b' })];
    // Interleaved: five refusals on the resource within the window, but only A's three cross the threshold.
    const findings = [ofA[0], ofB[0], ofA[1], ofB[1], ofA[2]].flatMap((e) => (e ? rule.consider(e, context) : []));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ isvId: 'isv-a', evidenceEventIds: ofA.map((e) => e.id) });
  });

  it('counts refusals of tokens the detector never saw issued apart from any ISV’s', () => {
    const rule = new FeatureProbingRule(config, 100);
    const context = contextKnowing({ 'j-a': { isvId: 'isv-a', resourceId: resource } });
    const findings = [probe(0), probe(1), probe(2, { jti: 'j-a' })].flatMap((e) => rule.consider(e, context));
    expect(findings).toEqual([]);
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
