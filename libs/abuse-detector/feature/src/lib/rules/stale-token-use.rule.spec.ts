import { LatRejectedV1, type EventInput } from '@latchkey/contracts';
import { aResourceId, anEnvelope } from '@latchkey/contracts/testing';
import type { Finding } from './rule';
import { at, contextKnowing } from './rule-testing';
import { StaleTokenUseRule } from './stale-token-use.rule';

describe(StaleTokenUseRule.name, () => {
  const resource = aResourceId();
  const jti = '7a0c1b2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
  const config = { perResource: { windowMs: 300_000, threshold: 4 }, revokedPerJti: { windowMs: 600_000, threshold: 2 } };
  const known = contextKnowing({ [jti]: { isvId: 'isv-a', resourceId: resource } });
  const refusal = (ms: number, overrides: Partial<EventInput<typeof LatRejectedV1>>) =>
    anEnvelope(LatRejectedV1, { resourceId: resource, clientIp: '198.51.100.4', ...overrides }, at(ms));
  const run = (rule: StaleTokenUseRule, events: ReturnType<typeof refusal>[]): Finding[] => events.flatMap((e) => [...rule.consider(e, known)]);

  it('raises medium per client resource when expired tokens reach the threshold', () => {
    const rule = new StaleTokenUseRule(config, 100);
    const events = [0, 1, 2, 3].map((i) => refusal(i * 1000, { reason: 'LAT.EXPIRED' }));
    const findings = run(rule, events);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'stale-token-use',
      severity: 'medium',
      subject: { kind: 'resource', id: resource },
      evidenceEventIds: events.map((e) => e.id),
      explanation: `Resource ${resource} presented 4 expired or revoked tokens within 5 min (threshold 4).`,
    });
  });

  it('counts the stale tokens of two ISVs sharing one client resource apart, and names the ISV whose tokens crossed', () => {
    const rule = new StaleTokenUseRule(config, 100);
    const context = contextKnowing({ 'j-a': { isvId: 'isv-a', resourceId: resource }, 'j-b': { isvId: 'isv-b', resourceId: resource } });
    const ofA = [0, 2, 4, 6].map((i) => refusal(i, { jti: 'j-a', reason: 'LAT.EXPIRED' }));
    const ofB = [1, 3, 5].map((i) => refusal(i, { jti: 'j-b', reason: 'LAT.EXPIRED' }));
    const interleaved = [ofA[0], ofB[0], ofA[1], ofB[1], ofA[2], ofB[2], ofA[3]].flatMap((e) => (e ? [e] : []));
    const findings = interleaved.flatMap((e) => [...rule.consider(e, context)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      isvId: 'isv-a',
      evidenceEventIds: ofA.map((e) => e.id),
      explanation: `Resource ${resource} of ISV isv-a presented 4 expired or revoked tokens within 5 min (threshold 4).`,
    });
  });

  it('stays quiet one below the threshold and across windows', () => {
    const rule = new StaleTokenUseRule(config, 100);
    expect(
      run(
        rule,
        [0, 1, 2].map((i) => refusal(i, { reason: 'LAT.EXPIRED' })),
      ),
    ).toEqual([]);
    expect(run(rule, [refusal(300_002, { reason: 'LAT.EXPIRED' })])).toEqual([]);
  });

  it('raises high per jti when one revoked token is presented again', () => {
    const rule = new StaleTokenUseRule(config, 100);
    const events = [refusal(0, { jti, reason: 'LAT.REVOKED' }), refusal(599_999, { jti, reason: 'LAT.REVOKED' })];
    const findings = run(rule, events);
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'high',
        subject: { kind: 'jti', id: jti },
        isvId: 'isv-a',
        resourceId: resource,
        explanation: `Revoked token ${jti} (resource ${resource}) was presented 2 times within 10 min (threshold 2), the latest from 198.51.100.4.`,
      }),
    ]);
  });

  it('does not count expired presentations of one token towards the revoked rule', () => {
    const rule = new StaleTokenUseRule(config, 100);
    expect(run(rule, [refusal(0, { jti, reason: 'LAT.EXPIRED' }), refusal(1, { jti, reason: 'LAT.EXPIRED' })])).toEqual([]);
  });

  it('ignores other refusals', () => {
    const rule = new StaleTokenUseRule(config, 100);
    expect(
      run(
        rule,
        [0, 1, 2, 3, 4].map((i) => refusal(i, { jti, reason: 'LAT.FEATURE_MISSING' })),
      ),
    ).toEqual([]);
  });
});
