import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';
import { LatIssuedV1, LatRejectedV1 } from '@latchkey/contracts';
import { aLatIssued, aLatRejected } from '@latchkey/contracts/testing';
import { innerErrorCode, startServiceUnderTest, useOwnKafka, type OwnKafka, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';

const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
const run = randomUUID().slice(0, 8);
const resource = (name: string) =>
  `/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/${name}-${run}/providers/Microsoft.CognitiveServices/accounts/face`;

interface Delivery {
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
}

/**
 * Server-side request forgery through ISV webhooks (docs/ABUSE.md "ISV webhooks"), with the production policy
 * (LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS false): the operator API refuses a webhook URL naming a loopback,
 * private or metadata host, and the dispatcher refuses to deliver to one that got stored anyway, while a listener on
 * that address receives nothing. The detector runs in-process on real Kafka (a broker of its own) and PostgreSQL; a
 * case is opened by a token presented with another resource's key.
 */
describeWithInfrastructure('abuse-detector webhook destinations (real Kafka, real PostgreSQL)', () => {
  let kafka: OwnKafka;
  let service: ServiceUnderTest;
  let listener: Server;
  let listenerPort: number;
  const received: string[] = [];

  beforeAll(async () => {
    kafka = await useOwnKafka();
    listener = createServer((request, response) => {
      received.push(request.url ?? '');
      response.writeHead(204).end();
    });
    await new Promise<void>((listening) => listener.listen(0, '127.0.0.1', listening));
    listenerPort = (listener.address() as AddressInfo).port;
    service = await startServiceUnderTest('abuse-detector', AbuseDetectorModule, {
      env: {
        LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: OPERATOR_KEY,
        LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
        LATCHKEY_ABUSE_WEBHOOK_POLL_INTERVAL_MS: '100',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await kafka?.stop();
    await new Promise((closed) => listener?.close(closed));
  });

  const admin = (method: 'GET' | 'PUT', url: string, payload?: unknown) =>
    service.handle.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${OPERATOR_KEY}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });

  it.each([
    ['plain http to a loopback port', () => `http://127.0.0.1:${listenerPort}/anything`],
    ['https to the cloud metadata service', () => 'https://169.254.169.254/latest/meta-data'],
    ['the metadata service spelled as an integer', () => 'https://2852039166/latest/meta-data'],
    ['a private address', () => 'https://10.0.0.12/hooks'],
    ['IPv6 loopback', () => 'https://[::1]/hooks'],
    ['IPv4-mapped loopback', () => 'https://[::ffff:127.0.0.1]/hooks'],
    ['localhost', () => `http://localhost:${listenerPort}/hooks`],
  ])('refuses a webhook URL naming %s with 400, storing nothing', async (_case, url) => {
    const isvId = `isv-private-${run}`;

    const answer = await admin('PUT', `/admin/v1/isvs/${isvId}/webhook`, { url: url() });

    expect({ status: answer.statusCode, code: innerErrorCode(answer.body) }).toEqual({ status: 400, code: 'InvalidAdminRequest' });
    expect(answer.body).not.toContain('whsec_');
    expect((await admin('GET', `/admin/v1/isvs/${isvId}/webhook`)).statusCode).toBe(404);
  });

  it('refuses an ISV id the issuer could not have created (upper case) with 400, and takes a public https URL', async () => {
    const refused = await admin('PUT', '/admin/v1/isvs/NO-SUCH-ISV/webhook', { url: 'https://isv.example/hooks' });
    expect({ status: refused.statusCode, code: innerErrorCode(refused.body) }).toEqual({ status: 400, code: 'InvalidAdminRequest' });
    expect(refused.body).not.toContain('whsec_');
    expect((await admin('GET', '/admin/v1/isvs/NO-SUCH-ISV/webhook')).statusCode).toBe(400);

    // An ISV the detector has never seen may have one: webhooks are set when the ISV is onboarded, before its first token.
    const taken = await admin('PUT', `/admin/v1/isvs/isv-public-${run}/webhook`, { url: 'https://isv.example/hooks' });
    expect(taken.statusCode).toBe(200);
  });

  it('does not deliver to a stored URL naming loopback: the attempt fails at once as "destination not allowed"', async () => {
    const isvId = `isv-stored-${run}`;
    expect((await admin('PUT', `/admin/v1/isvs/${isvId}/webhook`, { url: 'https://isv.example/hooks' })).statusCode).toBe(200);
    // A row from before these rules (or set while private networks were allowed) names the loopback listener.
    await service.database.query('UPDATE abuse_detector.isv_webhooks SET url = $2 WHERE isv_id = $1', [
      isvId,
      `http://127.0.0.1:${listenerPort}/latchkey/cases`,
    ]);

    // Misuse opens the client's case, whose opening is announced by webhook.
    const jti = `jti-${run}`;
    await service.bus.publish(LatIssuedV1, aLatIssued({ jti, isvId, resourceId: resource('own') }));
    await eventually(async () => (await service.database.query('SELECT 1 FROM abuse_detector.issued_tokens WHERE jti = $1', [jti])).length === 1, {
      timeoutMs: 45_000,
      what: 'the issued token recorded',
    });
    await service.bus.publish(
      LatRejectedV1,
      aLatRejected({ jti, isvId, resourceId: resource('other'), reason: 'LAT.WRONG_RESOURCE', feature: null }),
    );

    const caseId = await eventually(
      async () => {
        const { cases } = (await admin('GET', `/admin/v1/cases?isvId=${isvId}`)).json() as { cases: { id: string }[] };
        return cases[0]?.id ?? false;
      },
      { timeoutMs: 30_000, what: 'the case opened' },
    );
    const deliveries = await eventually(
      async () => {
        const { deliveries } = (await admin('GET', `/admin/v1/cases/${caseId}`)).json() as { deliveries: Delivery[] };
        return deliveries.length > 0 && deliveries.every((d) => d.status !== 'pending') ? deliveries : false;
      },
      { timeoutMs: 30_000, what: 'the delivery attempted' },
    );

    expect(deliveries).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, lastError: 'destination not allowed' })]);
    expect(received).toEqual([]);
  });
});
