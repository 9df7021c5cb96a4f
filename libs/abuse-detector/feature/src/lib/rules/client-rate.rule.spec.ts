import { LatUsedV1 } from '@latchkey/contracts';
import { aResourceId, anEnvelope } from '@latchkey/contracts/testing';
import { ClientRateRule } from './client-rate.rule';
import type { Finding } from './rule';
import { at } from './rule-testing';

const MIN = 60_000;
const config = { multiplier: 10, floorPerMinute: 100, warmUpMinutes: 3, alpha: 0.5, forgetAfterMs: 60 * MIN };

describe(ClientRateRule.name, () => {
  const resource = aResourceId();

  /** `count` uses of the resource spread over `minute`. */
  function minuteOf(rule: ClientRateRule, minute: number, count: number, isvId = 'isv-a'): Finding[] {
    const findings: Finding[] = [];
    for (let i = 0; i < count; i += 1) {
      const event = anEnvelope(LatUsedV1, { resourceId: i % 2 ? resource : resource.toUpperCase(), isvId }, at(minute * MIN + i * 10));
      findings.push(...rule.consider(event));
    }
    return findings;
  }

  it('raises medium when the minute exceeds both 10× the baseline and the floor, once per minute', () => {
    const rule = new ClientRateRule(config, 100);
    for (let m = 0; m < 3; m += 1) {
      expect(minuteOf(rule, m, 10)).toEqual([]);
    }
    const findings = minuteOf(rule, 3, 150);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'client-rate',
      severity: 'medium',
      subject: { kind: 'resource', id: resource },
      isvId: 'isv-a',
      resourceId: resource,
      explanation: `Resource ${resource} of ISV isv-a served 101 in the current minute against a baseline of 10.0/min (3 min observed; thresholds > 10× baseline and > 100/min).`,
    });
    expect(findings[0]?.evidenceEventIds).toHaveLength(100);
  });

  it('keeps a baseline per ISV on a client resource shared by two ISVs: one ISV’s burst is neither hidden by nor blamed on the other', () => {
    const rule = new ClientRateRule(config, 100);
    for (let m = 0; m < 3; m += 1) {
      expect(minuteOf(rule, m, 10, 'isv-a')).toEqual([]);
      expect(minuteOf(rule, m, 10, 'isv-b')).toEqual([]);
    }
    // B's burst crosses B's own baseline; A's quiet minute stays quiet and A is never named.
    expect(minuteOf(rule, 3, 10, 'isv-a')).toEqual([]);
    const findings = minuteOf(rule, 3, 150, 'isv-b');
    expect(findings.map((f) => f.isvId)).toEqual(['isv-b']);
    expect(findings[0]?.explanation).toContain('of ISV isv-b served 101 in the current minute against a baseline of 10.0/min');
  });

  it('stays quiet at exactly the floor', () => {
    const rule = new ClientRateRule(config, 100);
    for (let m = 0; m < 3; m += 1) {
      minuteOf(rule, m, 1);
    }
    expect(minuteOf(rule, 3, 100)).toEqual([]);
  });

  it('stays quiet at exactly 10× the baseline above the floor', () => {
    const rule = new ClientRateRule(config, 100);
    for (let m = 0; m < 3; m += 1) {
      minuteOf(rule, m, 20);
    }
    expect(minuteOf(rule, 3, 200)).toEqual([]);
    expect(minuteOf(rule, 4, 10)).toEqual([]);
  });

  it('does not alert on a new client during its warm-up', () => {
    const rule = new ClientRateRule(config, 100);
    expect(minuteOf(rule, 0, 1)).toEqual([]);
    expect(minuteOf(rule, 1, 500)).toEqual([]);
  });

  it('keeps alerting, once per minute, while the abuse lasts: an abusive minute does not raise the baseline', () => {
    const rule = new ClientRateRule(config, 100);
    for (let m = 0; m < 3; m += 1) {
      minuteOf(rule, m, 10);
    }
    expect(minuteOf(rule, 3, 300)).toHaveLength(1);
    expect(minuteOf(rule, 4, 300)).toHaveLength(1);
  });

  it('declares its baseline memory as the replay horizon', () => {
    expect(new ClientRateRule(config, 100).replayHorizonMs).toBe(60 * MIN);
  });
});
