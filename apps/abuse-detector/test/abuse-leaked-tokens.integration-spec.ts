import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';
import { AbuseAlertV1, AccessRevocationV1, type EventData } from '@latchkey/contracts';
import { startServiceUnderTest, useOwnKafka, type OwnKafka, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateSigningKey, KeyRing, signLimitedAccessToken } from '@latchkey/tokens';

const run = randomUUID().slice(0, 8);
const ISSUER = 'https://issuer.leak-test';
const ISV = `isv-${run}`;
const RESOURCE = `/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/Leak-${run}/providers/Microsoft.CognitiveServices/accounts/Face`;
const KEY_ID = `reporter-${run}`;
/** A second ISV of the same client resource (docs/AUDIT.md: a resource can be a client of several ISVs). */
const ISV_B = `isv-b-${run}`;
const OPERATOR_KEY = `lk_op_${randomUUID()}${randomUUID()}`;
const reporter = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const forger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const REPORTER_KEYS = JSON.stringify({
  public_keys: [{ key_identifier: KEY_ID, key: reporter.publicKey.export({ type: 'spki', format: 'pem' }).toString(), is_current: true }],
});

type Alert = EventData<typeof AbuseAlertV1>;
type Revocation = EventData<typeof AccessRevocationV1>;

describeWithInfrastructure('abuse-detector leaked-token intake (real Kafka, real PostgreSQL)', () => {
  let kafka: OwnKafka;
  let service: ServiceUnderTest;
  let jwksServer: Server;
  let token = '';
  let forgedToken = '';
  let tokenOfB = '';
  const jti = `leaked-${run}`;
  const forgedJti = `forged-${run}`;
  const jtiOfB = `leaked-b-${run}`;
  const alerts: Alert[] = [];
  const revocations: Revocation[] = [];

  beforeAll(async () => {
    // The issuer's stand-in: its JWKS over real HTTP, so the detector fetches and verifies as it would from the issuer.
    const issuerKey = await generateSigningKey('ES256');
    const jwks = JSON.stringify(new KeyRing([{ key: issuerKey, status: 'active' }]).publicJwks());
    jwksServer = createServer((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    const lat = {
      issuer: ISSUER,
      isvId: ISV,
      resourceId: RESOURCE,
      features: ['Face.Identification'] as const,
      lifetimeSeconds: 3600,
      now: new Date(),
    };
    token = (await signLimitedAccessToken({ ...lat, jti }, issuerKey)).token;
    forgedToken = (await signLimitedAccessToken({ ...lat, jti: forgedJti }, await generateSigningKey('ES256'))).token;
    tokenOfB = (await signLimitedAccessToken({ ...lat, isvId: ISV_B, jti: jtiOfB }, issuerKey)).token;

    // A broker of its own: the detector's consumer groups start topics from their beginning (see abuse-alerts).
    kafka = await useOwnKafka();
    service = await startServiceUnderTest('abuse-detector', AbuseDetectorModule, {
      env: {
        LATCHKEY_ABUSE_LEAK_REPORTER_KEYS: REPORTER_KEYS,
        LATCHKEY_ABUSE_ISSUER: ISSUER,
        LATCHKEY_ABUSE_ISSUER_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: OPERATOR_KEY,
      },
    });
    await service.bus.subscribe({
      group: `test.abuse-leaks.${run}`,
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
    await new Promise<void>((resolve) => (jwksServer ? jwksServer.close(() => resolve()) : resolve()));
  });

  const reportBody = (leaked: string) =>
    `[{"token":"${leaked}","type":"latchkey_limited_access_token","url":"https://github.com/octocat/Hello-World/blob/${run}/.env","source":"content"}]`;
  const post = (body: string, headers: Record<string, string>) =>
    service.handle.app.inject({
      method: 'POST',
      url: '/abuse/v1/leaked-tokens',
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    });
  const signedBy = (body: string, key = reporter.privateKey, keyId = KEY_ID) => ({
    'github-public-key-identifier': keyId,
    'github-public-key-signature': sign('sha256', Buffer.from(body), { key, dsaEncoding: 'der' }).toString('base64'),
  });
  const jtiRevocations = (id: string) => revocations.filter((r) => r.subject.kind === 'jti' && r.subject.jti === id);
  const outboxRevocations = async (id: string) =>
    Number(
      (
        await service.database.query<{ n: string }>(
          `SELECT count(*) AS n FROM abuse_detector.outbox WHERE topic = $1 AND envelope->>'subject' = $2`,
          [AccessRevocationV1.topic, `jti:${id}`],
        )
      )[0]?.n,
    );
  /** What `probe` finds, once it finds something. */
  const waitFor = async <T>(probe: () => T | undefined, what: string): Promise<T> => {
    let found: T | undefined;
    await eventually(() => (found = probe()) !== undefined, { timeoutMs: 30_000, what });
    return found as T;
  };
  const relayed = () =>
    eventually(async () => (await service.database.query('SELECT 1 FROM abuse_detector.outbox WHERE published_at IS NULL')).length === 0, {
      timeoutMs: 30_000,
      what: 'the outbox relayed',
    });

  it('answers a signed report of one of our tokens true positive, revokes its jti on access.revocation and raises an alert', async () => {
    const body = reportBody(token);

    const answer = await post(body, signedBy(body));

    expect(answer.statusCode).toBe(200);
    const [feedback, ...rest] = answer.json() as { token_hash: string; token_type: string; label: string }[];
    expect(rest).toEqual([]);
    expect(feedback).toEqual({
      token_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      token_type: 'latchkey_limited_access_token',
      label: 'true_positive',
    });
    expect(answer.body).not.toContain(token);

    const revocation = await waitFor(() => jtiRevocations(jti)[0], 'the jti revocation on access.revocation');
    expect(revocation).toMatchObject({ subject: { kind: 'jti', jti }, action: 'revoke', reason: 'ABUSE.TOKEN_LEAKED', actor: 'leak-report:content' });
    const alert = await waitFor(() => alerts.find((a) => a.alertId === revocation.alertId), 'abuse.alert');
    expect(alert).toMatchObject({
      ruleId: 'leaked-token',
      severity: 'high',
      subject: { kind: 'resource', id: RESOURCE.toLowerCase() },
      isvId: ISV,
      resourceId: RESOURCE.toLowerCase(),
      count: 1,
    });
    expect(alert.explanation).toContain(`https://github.com/octocat/Hello-World/blob/${run}/.env`);
    expect(alert.explanation).not.toContain(token);
  });

  it('does not revoke again when the same token is reported again; the alert counts it', async () => {
    const body = reportBody(token);

    const answer = await post(body, signedBy(body));

    expect(answer.statusCode).toBe(200);
    expect((answer.json() as { label: string }[])[0]?.label).toBe('true_positive');
    await eventually(() => alerts.some((a) => a.ruleId === 'leaked-token' && a.isvId === ISV && a.count === 2), {
      timeoutMs: 30_000,
      what: 'the alert at count 2',
    });
    await relayed();
    expect(await outboxRevocations(jti)).toBe(1);
    expect(jtiRevocations(jti)).toHaveLength(1);
  });

  it('raises a leak of another ISV’s token for the same client resource as that ISV’s own alert and case, never growing the first ISV’s', async () => {
    const admin = (method: 'GET' | 'PUT', url: string, payload?: unknown) =>
      service.handle.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${OPERATOR_KEY}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      });
    // B has a webhook (nothing listens there: the delivery is queued and retried, which is all this test looks at).
    expect((await admin('PUT', `/admin/v1/isvs/${ISV_B}/webhook`, { url: 'https://isv-b.example.com/latchkey/cases' })).statusCode).toBe(200);
    const body = reportBody(tokenOfB);

    const answer = await post(body, signedBy(body));

    expect(answer.statusCode).toBe(200);
    const revocation = await waitFor(() => jtiRevocations(jtiOfB)[0], 'the jti revocation of B’s token');
    const alertOfB = await waitFor(() => alerts.find((a) => a.alertId === revocation.alertId), 'B’s abuse.alert');
    expect(alertOfB).toMatchObject({ ruleId: 'leaked-token', isvId: ISV_B, resourceId: RESOURCE.toLowerCase(), count: 1 });
    expect(alertOfB.explanation).toContain(jtiOfB);
    // The first ISV's alert is untouched: still its own, at the count its own reports gave it.
    const alertOfA = alerts.filter((a) => a.ruleId === 'leaked-token' && a.isvId === ISV).at(-1);
    expect(alertOfA?.alertId).not.toBe(alertOfB.alertId);
    expect(alerts.filter((a) => a.alertId === alertOfA?.alertId).map((a) => a.count)).toEqual([1, 2]);

    // Each ISV finds its own alert through the operator API, and each has a case of its own; B's webhook announces B's.
    const listed = async (isvId: string) =>
      ((await admin('GET', `/admin/v1/alerts?rule=leaked-token&isvId=${isvId}`)).json() as { alerts: { id: string; isvId: string }[] }).alerts;
    expect(await listed(ISV_B)).toEqual([expect.objectContaining({ id: alertOfB.alertId, isvId: ISV_B })]);
    expect(await listed(ISV)).toEqual([expect.objectContaining({ id: alertOfA?.alertId, isvId: ISV })]);
    const casesOf = async (isvId: string) =>
      ((await admin('GET', `/admin/v1/cases?isvId=${isvId}`)).json() as { cases: { id: string; isvId: string; alertIds: string[] }[] }).cases;
    const [caseOfB, ...otherCasesOfB] = await casesOf(ISV_B);
    expect(otherCasesOfB).toEqual([]);
    expect(caseOfB).toMatchObject({ isvId: ISV_B, alertIds: [alertOfB.alertId] });
    expect(await casesOf(ISV)).toEqual([expect.objectContaining({ isvId: ISV, alertIds: [alertOfA?.alertId] })]);
    const deliveries = await service.database.query<{ isv_id: string; case_id: string; body: string }>(
      `SELECT isv_id, case_id, body FROM abuse_detector.webhook_deliveries WHERE isv_id = $1`,
      [ISV_B],
    );
    expect(deliveries.map((d) => [d.case_id, (JSON.parse(d.body) as { type: string; data: { alert: { id: string } } }).data.alert.id])).toEqual([
      [caseOfB?.id, alertOfB.alertId],
    ]);
  });

  it('answers a token the issuer never signed false positive and revokes nothing', async () => {
    const body = reportBody(forgedToken);

    const answer = await post(body, signedBy(body));

    expect(answer.statusCode).toBe(200);
    expect((answer.json() as { label: string }[])[0]?.label).toBe('false_positive');
    await relayed();
    expect(await outboxRevocations(forgedJti)).toBe(0);
  });

  it('refuses a forged or missing signature 401 in the platform’s error shape, and revokes nothing', async () => {
    const body = reportBody(forgedToken);
    const refusals = [
      [await post(body, signedBy(body, forger.privateKey)), 'LeakReportSignatureInvalid'],
      [await post(body, signedBy(body, reporter.privateKey, 'unknown-key')), 'LeakReporterKeyUnknown'],
      [await post(body, signedBy(reportBody(token))), 'LeakReportSignatureInvalid'],
      [await post(body, {}), 'LeakReportSignatureMissing'],
    ] as const;

    for (const [answer, inner] of refusals) {
      expect({ status: answer.statusCode, body: answer.json() as unknown }).toEqual({
        status: 401,
        body: { error: expect.objectContaining({ code: 'Unauthorized', innererror: expect.objectContaining({ code: inner }) }) },
      });
      expect(answer.body).not.toContain(forgedToken);
    }
    await relayed();
    expect(await outboxRevocations(forgedJti)).toBe(0);
    const logged = JSON.stringify(service.logs);
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(forgedToken);
  });

  it('refuses a report sent as plain text 400 InvalidLeakReport before its signature, signed or not, and revokes nothing', async () => {
    const body = reportBody(forgedToken);
    // The platform keeps a text body's bytes too (the gateway forwards them): the media type is what refuses it.
    for (const headers of [signedBy(body), {}]) {
      const answer = await post(body, { 'content-type': 'text/plain', ...headers });
      expect([answer.statusCode, (answer.json() as { error: { innererror: { code: string } } }).error.innererror.code]).toEqual([
        400,
        'InvalidLeakReport',
      ]);
    }
    await relayed();
    expect(await outboxRevocations(forgedJti)).toBe(0);
  });

  it('refuses a malformed report 400 and an oversized one 413, once signed', async () => {
    const malformed = '{"token":"x"}';
    const oversized = `[${Array.from({ length: 3000 }, () => `{"token":"${'x'.repeat(100)}","type":"t","url":""}`).join(',')}]`;

    const bad = await post(malformed, signedBy(malformed));
    const big = await post(oversized, signedBy(oversized));

    expect([bad.statusCode, (bad.json() as { error: { innererror: { code: string } } }).error.innererror.code]).toEqual([400, 'InvalidLeakReport']);
    expect([big.statusCode, (big.json() as { error: { innererror: { code: string } } }).error.innererror.code]).toEqual([413, 'LeakReportTooLarge']);
  });
});
