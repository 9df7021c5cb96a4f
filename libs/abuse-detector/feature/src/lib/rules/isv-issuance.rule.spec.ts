import { LatIssuedV1 } from '@latchkey/contracts';
import { aResourceId, anEnvelope } from '@latchkey/contracts/testing';
import { IsvIssuanceRule } from './isv-issuance.rule';
import type { Finding } from './rule';
import { DEFAULT_RULES_CONFIG } from './rules.config';
import { at } from './rule-testing';

const MIN = 60_000;
const config = {
  ...DEFAULT_RULES_CONFIG.isvIssuance,
  multiplier: 10,
  floorPerMinute: 100,
  warmUpMinutes: 3,
  alpha: 0.5,
  newResources: 3,
  newResourcesWindowMs: 10 * MIN,
  rememberResourcesMs: 60 * MIN,
  newResourcesWarmUpMs: 5 * MIN,
};

describe(IsvIssuanceRule.name, () => {
  const issue = (rule: IsvIssuanceRule, ms: number, resourceId: string, isvId = 'isv-a'): Finding[] => [
    ...rule.consider(anEnvelope(LatIssuedV1, { isvId, resourceId }, at(ms))),
  ];
  const established = aResourceId();

  it('raises high about the ISV when its issuance per minute is far above its baseline', () => {
    const rule = new IsvIssuanceRule(config, 100);
    for (let m = 0; m < 3; m += 1) {
      for (let i = 0; i < 5; i += 1) {
        expect(issue(rule, m * MIN + i, established)).toEqual([]);
      }
    }
    const findings: Finding[] = [];
    for (let i = 0; i < 120; i += 1) {
      findings.push(...issue(rule, 3 * MIN + i, established));
    }
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'isv-issuance',
      severity: 'high',
      subject: { kind: 'isv', id: 'isv-a' },
      isvId: 'isv-a',
      resourceId: null,
      explanation:
        'ISV isv-a issued 101 in the current minute against a baseline of 5.0/min (3 min observed; thresholds > 10× baseline and > 100/min).',
    });
  });

  it('raises high when the ISV issues for the threshold of new resources within the window, after its warm-up', () => {
    const rule = new IsvIssuanceRule(config, 100);
    issue(rule, 0, established);
    const fresh = [aResourceId(), aResourceId(), aResourceId()];
    expect(issue(rule, 5 * MIN, fresh[0] as string)).toEqual([]);
    expect(issue(rule, 6 * MIN, (fresh[1] as string).toUpperCase())).toEqual([]);
    expect(issue(rule, 6 * MIN + 1, established)).toEqual([]);
    const [finding, ...rest] = issue(rule, 14 * MIN, fresh[2] as string);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ subject: { kind: 'isv', id: 'isv-a' }, severity: 'high' });
    expect(finding?.evidenceEventIds).toHaveLength(3);
    expect(finding?.explanation).toBe(
      'ISV isv-a issued tokens for 3 resources new to it within 10 min (threshold 3; new = no issuance for it in the previous 60 min).',
    );
  });

  it('does not count resources issued for within the memory, nor any before the warm-up', () => {
    const rule = new IsvIssuanceRule(config, 100);
    const early = [aResourceId(), aResourceId(), aResourceId()];
    // All new, but the detector has watched the ISV for less than its warm-up.
    early.forEach((r, i) => expect(issue(rule, i, r)).toEqual([]));
    // Past the warm-up, issued again: known, not new.
    early.forEach((r, i) => expect(issue(rule, 5 * MIN + i, r)).toEqual([]));
  });

  it('counts a resource as new again once it is older than the memory', () => {
    const rule = new IsvIssuanceRule({ ...config, rememberResourcesMs: 10 * MIN, forgetAfterMs: 120 * MIN }, 100);
    const olds = [aResourceId(), aResourceId(), aResourceId()];
    olds.forEach((r, i) => issue(rule, i, r));
    const findings = olds.flatMap((r, i) => issue(rule, 10 * MIN + i, r));
    expect(findings).toHaveLength(1);
  });

  it('keeps ISVs apart', () => {
    const rule = new IsvIssuanceRule(config, 100);
    issue(rule, 0, established, 'isv-a');
    issue(rule, 0, established, 'isv-b');
    const findings = [
      ...issue(rule, 5 * MIN, aResourceId(), 'isv-a'),
      ...issue(rule, 5 * MIN, aResourceId(), 'isv-b'),
      ...issue(rule, 5 * MIN, aResourceId(), 'isv-a'),
    ];
    expect(findings).toEqual([]);
  });

  it('declares the resource memory as its replay horizon', () => {
    expect(new IsvIssuanceRule(config, 100).replayHorizonMs).toBe(60 * MIN);
  });
});
