import type { AuditEventRecord } from '@latchkey/audit/data-access';
import { AbuseAlertV1, AccessRevocationV1, LatUsedV1 } from '@latchkey/contracts';
import { isvFeedItemOf } from './isv-feed-item';

const record = (type: string, topic: string, data: unknown) =>
  ({
    seq: 9,
    eventId: 'evt-1',
    type,
    topic,
    time: new Date('2030-01-01T00:00:00Z'),
    data,
    hash: 'h',
    prevHash: 'p',
    source: '/x',
  }) as unknown as AuditEventRecord;

describe(isvFeedItemOf.name, () => {
  it('shows a use with its client’s address, and nothing of the chain', () => {
    const data = {
      jti: 'j',
      isvId: 'isv-a',
      resourceId: 'r',
      operation: 'face.identify',
      feature: 'Face.Identification',
      outcome: 'served',
      clientIp: '203.0.113.7',
      userAgent: 'ua',
      traceId: null,
    };
    expect(isvFeedItemOf(record(LatUsedV1.type, 'lat.used', data))).toEqual({
      id: 'evt-1',
      type: 'lat.used',
      time: '2030-01-01T00:00:00.000Z',
      data: {
        jti: 'j',
        resourceId: 'r',
        operation: 'face.identify',
        feature: 'Face.Identification',
        outcome: 'served',
        clientIp: '203.0.113.7',
        userAgent: 'ua',
        traceId: null,
      },
    });
  });

  it('leaves out who revoked and which alert caused it', () => {
    const data = {
      subject: { kind: 'isv-client', isvId: 'isv-a', resourceId: 'r' },
      notBefore: '2030-01-01T00:00:00Z',
      action: 'revoke',
      reason: 'ABUSE.X',
      alertId: 'alert-7',
      actor: 'rule:foreign-resource',
    };
    const item = isvFeedItemOf(record(AccessRevocationV1.type, 'access.revocation', data));
    expect(item?.data).toEqual({ subject: data.subject, notBefore: data.notBefore, action: 'revoke', reason: 'ABUSE.X' });
  });

  it('shows no event outside the feed, even one that names the ISV', () => {
    expect(isvFeedItemOf(record(AbuseAlertV1.type, 'abuse.alert', { isvId: 'isv-a' }))).toBeUndefined();
  });

  it('drops fields a contract gains later until they are listed', () => {
    const item = isvFeedItemOf(record(LatUsedV1.type, 'lat.used', { jti: 'j', internalScore: 0.9 }));
    expect(item?.data).toEqual({ jti: 'j' });
  });
});
