import { LatIssuedV1, LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';
import { aResourceId, anEnvelope } from '@latchkey/contracts/testing';
import { ForeignResourceRule } from './foreign-resource.rule';
import { at, contextKnowing } from './rule-testing';

describe(ForeignResourceRule.name, () => {
  const owner = aResourceId();
  const other = aResourceId();
  const jti = '0b6c3f0e-5d9a-4d5e-9a55-2f0c1d1e0a01';
  const known = contextKnowing({ [jti]: { isvId: 'isv-owner', resourceId: owner.toUpperCase() } });

  it('raises a critical finding on the first wrong-resource refusal, about the token’s own client', () => {
    const event = anEnvelope(
      LatRejectedV1,
      { jti, isvId: 'isv-owner', resourceId: other, reason: 'LAT.WRONG_RESOURCE', clientIp: '203.0.113.9', operation: 'face.identify' },
      at(5),
    );
    const [finding, ...rest] = new ForeignResourceRule().consider(event, known);
    expect(rest).toEqual([]);
    expect(finding).toEqual({
      ruleId: 'foreign-resource',
      severity: 'critical',
      subject: { kind: 'resource', id: owner },
      isvId: 'isv-owner',
      resourceId: owner,
      evidenceEventIds: [event.id],
      explanation: `Token ${jti} issued by ISV isv-owner for resource ${owner} was presented to resource ${other} from 203.0.113.9 on face.identify: the token was stolen or shared (1 refusal, threshold 1).`,
      observedAt: new Date(event.time),
    });
  });

  it('canonicalises the resource ids it reports (resource ids are case-insensitive)', () => {
    const event = anEnvelope(LatRejectedV1, { jti, resourceId: other.toUpperCase(), reason: 'LAT.WRONG_RESOURCE' }, at(0));
    const [finding] = new ForeignResourceRule().consider(event, known);
    expect(finding?.resourceId).toBe(owner);
    expect(finding?.explanation).toContain(`presented to resource ${other} `);
  });

  it('for a jti it never saw issued, raises high about the presenting resource and names no ISV, whatever the token claims', () => {
    const event = anEnvelope(LatRejectedV1, { jti, isvId: 'isv-framed', resourceId: other.toUpperCase(), reason: 'LAT.WRONG_RESOURCE' }, at(0));
    const [finding] = new ForeignResourceRule().consider(event, contextKnowing());
    expect(finding).toMatchObject({ severity: 'high', subject: { kind: 'resource', id: other }, isvId: null, resourceId: other });
    expect(finding?.explanation).not.toContain('isv-framed');
    expect(finding?.explanation).toContain('never saw issued');
  });

  it('raises the critical finding about the token’s own client when its issuance is read after the refusal', () => {
    const rule = new ForeignResourceRule();
    const refusal = anEnvelope(
      LatRejectedV1,
      { jti, isvId: 'isv-framed', resourceId: other, reason: 'LAT.WRONG_RESOURCE', clientIp: '203.0.113.9', operation: 'face.identify' },
      at(5),
    );
    expect(rule.consider(refusal, contextKnowing())).toMatchObject([{ severity: 'high', isvId: null }]);
    // lat.issued travels on another topic: read after the refusal, with an earlier time.
    const issued = anEnvelope(LatIssuedV1, { jti, isvId: 'isv-owner', resourceId: owner.toUpperCase() }, at(4));

    const [finding, ...rest] = rule.consider(issued, contextKnowing());

    expect(rest).toEqual([]);
    expect(finding).toEqual({
      ruleId: 'foreign-resource',
      severity: 'critical',
      subject: { kind: 'resource', id: owner },
      isvId: 'isv-owner',
      resourceId: owner,
      evidenceEventIds: [refusal.id, issued.id],
      explanation: `Token ${jti} issued by ISV isv-owner for resource ${owner} was presented to resource ${other} from 203.0.113.9 on face.identify (the refusal was read before the issuance): the token was stolen or shared (1 refusal, threshold 1).`,
      observedAt: new Date(refusal.time),
    });
    expect(rule.consider(issued, contextKnowing())).toEqual([]); // once
  });

  it('forgets a refusal waiting for its issuance after its pending time, and beyond its bound the oldest first', () => {
    const rule = new ForeignResourceRule(60_000, 1);
    const refuse = (id: string, seconds: number) =>
      rule.consider(anEnvelope(LatRejectedV1, { jti: id, resourceId: other, reason: 'LAT.WRONG_RESOURCE' }, at(seconds)), contextKnowing());
    const issue = (id: string, seconds: number) =>
      rule.consider(anEnvelope(LatIssuedV1, { jti: id, resourceId: owner }, at(seconds)), contextKnowing());
    const [first, second, third] = [
      '0b6c3f0e-5d9a-4d5e-9a55-2f0c1d1e0a02',
      '0b6c3f0e-5d9a-4d5e-9a55-2f0c1d1e0a03',
      '0b6c3f0e-5d9a-4d5e-9a55-2f0c1d1e0a04',
    ];
    refuse(first, 0);
    refuse(second, 61); // over the bound of 1, and the first is past its minute
    expect(issue(first, 0)).toEqual([]);
    refuse(third, 200);
    expect(issue(second, 61)).toEqual([]);
    expect(issue(third, 199)).toHaveLength(1);
    expect(issue(jti, 0)).toEqual([]); // an issuance nobody misused
  });

  it('raises nothing when neither the token nor the presented key is known', () => {
    const event = anEnvelope(LatRejectedV1, { jti: null, resourceId: null, reason: 'LAT.WRONG_RESOURCE' }, at(0));
    expect(new ForeignResourceRule().consider(event, contextKnowing())).toEqual([]);
  });

  it.each(['LAT.EXPIRED', 'LAT.FEATURE_MISSING', 'LAT.BAD_SIGNATURE'])('ignores a %s refusal', (reason) => {
    const event = anEnvelope(LatRejectedV1, { jti, reason }, at(0));
    expect(new ForeignResourceRule().consider(event, known)).toEqual([]);
  });

  it('ignores other event types', () => {
    expect(new ForeignResourceRule().consider(anEnvelope(LatUsedV1, { jti }, at(0)), known)).toEqual([]);
  });
});
