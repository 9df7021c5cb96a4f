import { ExchangeDeniedV1, RbacDeniedV1 } from '@latchkey/contracts';
import { anEnvelope } from '@latchkey/contracts/testing';
import { ExchangeDenialsRule } from './exchange-denials.rule';
import { RbacDenialsRule } from './rbac-denials.rule';
import { at, contextKnowing } from './rule-testing';

const config = { windowMs: 60_000, threshold: 3 };

describe(ExchangeDenialsRule.name, () => {
  const denial = (ms: number, clientId: string | null = 'app-1') => anEnvelope(ExchangeDeniedV1, { clientId }, at(ms));

  it('raises medium per client_id when denials reach the threshold within the window', () => {
    const rule = new ExchangeDenialsRule(config, 100);
    const events = [denial(0), denial(1000), denial(59_999)];
    const findings = events.flatMap((e) => rule.consider(e, contextKnowing()));
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'exchange-denials',
        severity: 'medium',
        subject: { kind: 'oauth-application', id: 'app-1' },
        isvId: null,
        resourceId: null,
        evidenceEventIds: events.map((e) => e.id),
        explanation: 'Client app-1 was refused 3 token exchanges within 1 min (threshold 3); the latest for EXCHANGE.SCOPE_NOT_ALLOWED.',
      }),
    ]);
  });

  it('stays quiet below the threshold, across the window edge, and for denials without a client_id', () => {
    const rule = new ExchangeDenialsRule(config, 100);
    const events = [denial(0), denial(1), denial(60_001), denial(2, null), denial(3, null), denial(4, null)];
    expect(events.flatMap((e) => rule.consider(e, contextKnowing()))).toEqual([]);
  });
});

describe(RbacDenialsRule.name, () => {
  const person = '3c1a0d2e-4b5f-4c6d-8e7f-9a0b1c2d3e4f';
  const denial = (ms: number, subjectKind: 'person' | 'application' = 'person') => anEnvelope(RbacDeniedV1, { subject: person, subjectKind }, at(ms));

  it('raises medium per person when denials reach the threshold within the window', () => {
    const rule = new RbacDenialsRule(config, 100);
    const findings = [denial(0), denial(10), denial(20)].flatMap((e) => rule.consider(e, contextKnowing()));
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'rbac-denials',
        subject: { kind: 'person', id: person },
        severity: 'medium',
        explanation: `Person ${person} was refused 3 times by RBAC within 1 min (threshold 3); the latest lacked reports.read on GET /api/services/v1/reports.`,
      }),
    ]);
  });

  it('ignores applications and stays quiet one below the threshold', () => {
    const rule = new RbacDenialsRule(config, 100);
    const events = [denial(0, 'application'), denial(1, 'application'), denial(2, 'application'), denial(3), denial(4)];
    expect(events.flatMap((e) => rule.consider(e, contextKnowing()))).toEqual([]);
  });
});
