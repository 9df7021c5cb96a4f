import { LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';
import { aResourceId, anEnvelope } from '@latchkey/contracts/testing';
import { JtiSpreadRule } from './jti-spread.rule';
import { at, contextKnowing } from './rule-testing';

describe(JtiSpreadRule.name, () => {
  const jti = '5f1d7a8e-1c2b-4a3d-9e8f-0a1b2c3d4e5f';
  const owner = aResourceId();
  const known = contextKnowing({ [jti]: { isvId: 'isv-a', resourceId: owner } });
  const config = { windowMs: 600_000, distinctIps: 3, distinctUserAgents: 3 };
  const use = (ms: number, clientIp: string, userAgent: string | null = 'app/1') =>
    anEnvelope(LatUsedV1, { jti, isvId: 'isv-claimed', resourceId: owner, clientIp, userAgent }, at(ms));

  it('stays quiet while one token comes from fewer addresses and agents than the thresholds', () => {
    const rule = new JtiSpreadRule(config, 100);
    const events = [use(0, '198.51.100.1'), use(1, '198.51.100.2'), use(2, '198.51.100.1'), use(3, '198.51.100.2')];
    expect(events.flatMap((e) => rule.consider(e, known))).toEqual([]);
  });

  it('raises high about the jti when it is seen from the threshold of distinct IPs within the window', () => {
    const rule = new JtiSpreadRule(config, 100);
    const events = [use(0, '198.51.100.1'), use(60_000, '198.51.100.2'), use(599_999, '198.51.100.3')];
    const findings = events.flatMap((e) => rule.consider(e, known));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'jti-spread',
      severity: 'high',
      subject: { kind: 'jti', id: jti },
      isvId: 'isv-a',
      resourceId: owner,
      evidenceEventIds: events.map((e) => e.id),
      explanation: `Token ${jti} (resource ${owner}) was presented from 3 distinct client IPs (threshold 3) and 1 distinct user agents (threshold 3) within 10 min: shared or leaked.`,
    });
  });

  it('raises on distinct user agents from one address', () => {
    const rule = new JtiSpreadRule(config, 100);
    const events = ['a/1', 'b/1', 'c/1'].map((ua, i) => use(i, '198.51.100.1', ua));
    expect(events.flatMap((e) => rule.consider(e, known))).toHaveLength(1);
  });

  it('does not count an address last seen a full window earlier', () => {
    const rule = new JtiSpreadRule(config, 100);
    const events = [use(0, '198.51.100.1'), use(1, '198.51.100.2'), use(600_001, '198.51.100.3')];
    expect(events.flatMap((e) => rule.consider(e, known))).toEqual([]);
  });

  it('counts verified refusals, names no ISV for an unknown jti, and ignores refusals whose jti is unverified', () => {
    const rule = new JtiSpreadRule(config, 100);
    const forged = ['198.51.100.7', '198.51.100.8', '198.51.100.9'].map((ip, i) =>
      anEnvelope(LatRejectedV1, { jti, reason: 'LAT.BAD_SIGNATURE', clientIp: ip }, at(i)),
    );
    expect(forged.flatMap((e) => rule.consider(e, contextKnowing()))).toEqual([]);
    const expired = ['198.51.100.7', '198.51.100.8', '198.51.100.9'].map((ip, i) =>
      anEnvelope(LatRejectedV1, { jti, isvId: 'isv-claimed', reason: 'LAT.EXPIRED', clientIp: ip }, at(10 + i)),
    );
    const [finding] = expired.flatMap((e) => rule.consider(e, contextKnowing()));
    expect(finding).toMatchObject({ isvId: null, resourceId: null, subject: { kind: 'jti', id: jti } });
    expect(finding?.explanation).not.toContain('isv-claimed');
  });

  it('re-arms after firing: the next finding needs the threshold again', () => {
    const rule = new JtiSpreadRule(config, 100);
    const first = ['198.51.100.1', '198.51.100.2', '198.51.100.3'].map((ip, i) => use(i, ip));
    expect(first.flatMap((e) => rule.consider(e, known))).toHaveLength(1);
    expect(rule.consider(use(10, '198.51.100.4'), known)).toEqual([]);
    expect(rule.consider(use(11, '198.51.100.5'), known)).toEqual([]);
    expect(rule.consider(use(12, '198.51.100.6'), known)).toHaveLength(1);
  });
});
