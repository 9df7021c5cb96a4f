import { randomBytes, randomUUID } from 'node:crypto';
import { OPERATOR_KEY_ACTOR } from '@latchkey/access-guards';
import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';
import { AbuseAlertV1, AccessRevocationV1, LatIssuedV1, LatRejectedV1, type EventData } from '@latchkey/contracts';
import { aLatIssued, aLatRejected } from '@latchkey/contracts/testing';
import { startServiceUnderTest, useOwnKafka, type OwnKafka, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';

const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
const run = randomUUID().slice(0, 8);
const ISV = `isv-${run}`;
/** The token's own client, as Azure spells it (mixed case). */
const OWN_RESOURCE = `/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/Own-${run}/providers/Microsoft.CognitiveServices/accounts/Face`;
/** The resource whose key the token was presented with. */
const OTHER_RESOURCE = `/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/other-${run}/providers/Microsoft.CognitiveServices/accounts/face`;
const OWN_CLIENT = { kind: 'isv-client', isvId: ISV, resourceId: OWN_RESOURCE.toLowerCase() } as const;

type Alert = EventData<typeof AbuseAlertV1>;
type Revocation = EventData<typeof AccessRevocationV1>;

describeWithInfrastructure('abuse-detector alerts, automatic revocation and operator API (real Kafka, real PostgreSQL)', () => {
  let kafka: OwnKafka;
  let service: ServiceUnderTest;
  const alerts: Alert[] = [];
  const revocations: Revocation[] = [];

  beforeAll(async () => {
    // A broker of its own: the detector's consumer groups are fixed and start topics from their beginning, so on the
    // shared broker they would first read (and raise alerts over, and revoke for) every earlier run's events.
    kafka = await useOwnKafka();
    service = await startServiceUnderTest('abuse-detector', AbuseDetectorModule, { env: { LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: OPERATOR_KEY } });
    await service.bus.subscribe({
      group: `test.abuse-alerts.${run}`,
      events: [AbuseAlertV1, AccessRevocationV1],
      handle: async (event) => {
        if (event.definition === AbuseAlertV1) alerts.push(event.envelope.data as Alert);
        else revocations.push(event.envelope.data as Revocation);
      },
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await kafka?.stop();
  });

  const admin = (method: 'GET' | 'POST', url: string, payload?: unknown, key: string | null = OPERATOR_KEY) =>
    service.handle.app.inject({
      method,
      url,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });

  const storedAlert = async () => {
    const [row] = await service.database.query<{ id: string; count: number; status: string }>(
      `SELECT id, count, status FROM abuse_detector.alerts WHERE rule_id = 'foreign-resource' AND subject_id = $1 ORDER BY first_seen_at LIMIT 1`,
      [OWN_CLIENT.resourceId],
    );
    return row;
  };
  const revocationsOf = (alertId: string) => revocations.filter((r) => r.alertId === alertId);

  const jti = `jti-${run}`;
  const presentWithOtherKey = () =>
    service.bus.publish(LatRejectedV1, aLatRejected({ jti, isvId: ISV, resourceId: OTHER_RESOURCE, reason: 'LAT.WRONG_RESOURCE', feature: null }));

  let alertId = '';

  it('raises a critical alert for a token presented with another resource’s key and revokes the token’s own client once', async () => {
    await service.bus.publish(LatIssuedV1, aLatIssued({ jti, isvId: ISV, resourceId: OWN_RESOURCE }));
    // lat.issued and lat.rejected travel on different topics: wait until the issuance is known, as it would be in life.
    await eventually(async () => (await service.database.query('SELECT 1 FROM abuse_detector.issued_tokens WHERE jti = $1', [jti])).length === 1, {
      timeoutMs: 45_000,
      what: 'the issued token recorded',
    });

    await presentWithOtherKey();

    const stored = await eventually(async () => (await storedAlert()) ?? false, { timeoutMs: 30_000, what: 'an alert stored' });
    alertId = stored.id;
    expect(stored).toMatchObject({ count: 1, status: 'open' });
    const published = await eventually(() => alerts.find((a) => a.alertId === alertId) ?? false, {
      timeoutMs: 30_000,
      what: 'abuse.alert published',
    });
    expect(published).toMatchObject({ ruleId: 'foreign-resource', severity: 'critical', isvId: ISV, resourceId: OWN_CLIENT.resourceId, count: 1 });
    const revocation = await eventually(() => revocationsOf(alertId)[0] ?? false, {
      timeoutMs: 30_000,
      what: 'access.revocation published',
    });
    expect(revocation).toMatchObject({
      subject: OWN_CLIENT,
      action: 'revoke',
      reason: 'ABUSE.FOREIGN_RESOURCE',
      actor: 'rule:foreign-resource',
      alertId,
    });
  });

  it('counts a second misuse in the same alert and does not revoke again', async () => {
    await presentWithOtherKey();

    await eventually(async () => (await storedAlert())?.count === 2, { timeoutMs: 30_000, what: 'the alert at count 2' });
    await eventually(() => alerts.some((a) => a.alertId === alertId && a.count === 2), { timeoutMs: 30_000, what: 'abuse.alert with count 2' });
    // Everything the second finding wrote is in the outbox (one transaction); wait until it is all on Kafka, then count.
    await eventually(async () => (await service.database.query('SELECT 1 FROM abuse_detector.outbox WHERE published_at IS NULL')).length === 0, {
      timeoutMs: 30_000,
      what: 'the outbox relayed',
    });
    const [outboxRevocations] = await service.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM abuse_detector.outbox WHERE topic = $1 AND envelope->'data'->>'alertId' = $2`,
      [AccessRevocationV1.topic, alertId],
    );
    expect(Number(outboxRevocations?.n)).toBe(1);
    expect(revocationsOf(alertId)).toHaveLength(1);
  });

  it('lists the open alert to the operator only, and acknowledges it with a reason', async () => {
    expect((await admin('GET', '/admin/v1/alerts?status=open', undefined, null)).statusCode).toBe(401);
    const listed = await admin('GET', '/admin/v1/alerts?status=open');
    expect(listed.statusCode).toBe(200);
    expect((listed.json() as { alerts: { id: string; count: number }[] }).alerts).toContainEqual(expect.objectContaining({ id: alertId, count: 2 }));

    expect((await admin('POST', `/admin/v1/alerts/${alertId}/acknowledge`, {})).statusCode).toBe(400);
    const acknowledged = await admin('POST', `/admin/v1/alerts/${alertId}/acknowledge`, { reason: 'ISV contacted, client rotating its key' });

    expect(acknowledged.statusCode).toBe(200);
    expect(acknowledged.json()).toMatchObject({
      id: alertId,
      status: 'acknowledged',
      acknowledged: { by: OPERATOR_KEY_ACTOR, reason: 'ISV contacted, client rotating its key' },
    });
    expect((await admin('POST', `/admin/v1/alerts/${alertId}/acknowledge`, { reason: 'again' })).statusCode).toBe(409);
    const open = (await admin('GET', '/admin/v1/alerts?status=open')).json() as { alerts: { id: string }[] };
    expect(open.alerts.map((a) => a.id)).not.toContain(alertId);
  });

  it('reinstates the revoked client on the operator’s request, keeping the revocation’s watermark', async () => {
    const revoked = revocationsOf(alertId)[0];

    const answer = await admin('POST', '/admin/v1/reinstatements', {
      subject: { ...OWN_CLIENT, resourceId: OWN_RESOURCE },
      reason: 'ADMIN.FALSE_POSITIVE',
    });

    expect(answer.statusCode).toBe(200);
    const reinstated = await eventually(
      () => revocations.find((r) => r.action === 'reinstate' && r.subject.kind === 'isv-client' && r.subject.isvId === ISV) ?? false,
      { timeoutMs: 30_000, what: 'the reinstatement published' },
    );
    expect(reinstated).toEqual({
      subject: OWN_CLIENT,
      action: 'reinstate',
      notBefore: revoked?.notBefore,
      reason: 'ADMIN.FALSE_POSITIVE',
      alertId: null,
      actor: OPERATOR_KEY_ACTOR,
    });
  });

  it('refuses to reinstate a subject that was never revoked', async () => {
    const answer = await admin('POST', '/admin/v1/reinstatements', { subject: { kind: 'isv', isvId: `never-${run}` }, reason: 'ADMIN.RESOLVED' });

    expect(answer.statusCode).toBe(409);
    expect(answer.json()).toMatchObject({ error: { innererror: { code: 'SubjectNotRevoked' } } });
  });
});
