import { AccessRevocationV1 } from '@latchkey/contracts';
import { abuseReason, ActionPolicy, REPEATED_ABUSE_REASON, type ActionSettings, type AlertForPolicy } from './action-policy';

const DEFAULTS: ActionSettings = {
  LATCHKEY_ABUSE_AUTOMATIC_REVOCATION: true,
  LATCHKEY_ABUSE_REVOKE_ON_HIGH: false,
  LATCHKEY_ABUSE_ESCALATION_REVOCATIONS: 3,
  LATCHKEY_ABUSE_ESCALATION_WINDOW_DAYS: 7,
};
const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/face';

function anAlert(overrides: Partial<AlertForPolicy> = {}): AlertForPolicy {
  return { id: 'alert-1', ruleId: 'foreign-resource', severity: 'critical', isvId: 'isv-1', resourceId: RESOURCE, ...overrides };
}

const policy = (overrides: Partial<ActionSettings> = {}) => new ActionPolicy({ ...DEFAULTS, ...overrides });

describe(ActionPolicy.name, () => {
  it.each([
    ['low', 'notify'],
    ['medium', 'notify'],
    ['high', 'notify'],
    ['critical', 'revoke-client'],
  ] as const)('by default a %s alert leads to %s', (severity, action) => {
    expect(policy().actionFor(severity)).toBe(action);
  });

  it('revokes the client on a high alert when configured to, and still only notifies on medium', () => {
    const revokeOnHigh = policy({ LATCHKEY_ABUSE_REVOKE_ON_HIGH: true });
    expect(revokeOnHigh.actionFor('high')).toBe('revoke-client');
    expect(revokeOnHigh.actionFor('medium')).toBe('notify');
  });

  it('only notifies, whatever the severity, with automatic revocation switched off', () => {
    const off = policy({ LATCHKEY_ABUSE_AUTOMATIC_REVOCATION: false, LATCHKEY_ABUSE_REVOKE_ON_HIGH: true });
    expect(off.actionFor('critical')).toBe('notify');
    expect(off.clientRevocation(anAlert())).toBeUndefined();
    expect(off.isvRevocation(anAlert(), 100)).toBeUndefined();
  });

  it('plans a critical alert’s client revocation with the rule’s reason, the rule as actor and the alert id', () => {
    expect(policy().clientRevocation(anAlert())).toEqual({
      subject: { kind: 'isv-client', isvId: 'isv-1', resourceId: RESOURCE },
      reason: 'ABUSE.FOREIGN_RESOURCE',
      actor: 'rule:foreign-resource',
      alertId: 'alert-1',
    });
  });

  it.each([
    ['no ISV', { isvId: null }],
    ['no client resource', { resourceId: null }],
  ] as const)('never revokes for a finding with %s', (_case, overrides) => {
    expect(policy().clientRevocation(anAlert(overrides))).toBeUndefined();
    expect(policy().isvRevocation(anAlert({ ...overrides, isvId: null }), 10)).toBeUndefined();
  });

  it('plans no client revocation for a high alert by default', () => {
    expect(policy().clientRevocation(anAlert({ severity: 'high' }))).toBeUndefined();
  });

  it('escalates to the ISV at the configured number of client revocations, not one before', () => {
    expect(policy().isvRevocation(anAlert(), 2)).toBeUndefined();
    expect(policy().isvRevocation(anAlert(), 3)).toEqual({
      subject: { kind: 'isv', isvId: 'isv-1' },
      reason: REPEATED_ABUSE_REASON,
      actor: 'rule:foreign-resource',
      alertId: 'alert-1',
    });
  });

  it('never escalates when the threshold is 0', () => {
    expect(policy({ LATCHKEY_ABUSE_ESCALATION_REVOCATIONS: 0 }).isvRevocation(anAlert(), 1000)).toBeUndefined();
  });

  it('starts the escalation window the configured number of days before now', () => {
    const now = new Date('2026-03-08T12:00:00.000Z');
    expect(policy({ LATCHKEY_ABUSE_ESCALATION_WINDOW_DAYS: 7 }).escalationWindowStart(now)).toEqual(new Date('2026-03-01T12:00:00.000Z'));
  });

  it('plans revocations the access.revocation contract accepts', () => {
    for (const planned of [policy().clientRevocation(anAlert()), policy().isvRevocation(anAlert(), 3)]) {
      const data = { ...planned, action: 'revoke', notBefore: '2026-03-01T12:00:00.000Z' };
      expect(AccessRevocationV1.data.safeParse(data).success).toBe(true);
    }
  });
});

describe(abuseReason.name, () => {
  it.each([
    ['foreign-resource', 'ABUSE.FOREIGN_RESOURCE'],
    ['jti.many-ips', 'ABUSE.JTI_MANY_IPS'],
    ['--weird--', 'ABUSE.WEIRD'],
    ['42-rule', 'ABUSE.RULE_42_RULE'],
    ['---', 'ABUSE.RULE'],
  ])('turns %j into %s', (ruleId, reason) => {
    expect(abuseReason(ruleId)).toBe(reason);
  });

  it('stays a valid reason code for a very long rule id', () => {
    const reason = abuseReason(`a${'-b'.repeat(100)}`);
    expect(reason.length).toBeLessThanOrEqual(64);
    expect(AccessRevocationV1.data.shape.reason.safeParse(reason).success).toBe(true);
  });
});
