import { request, type IncomingMessage } from 'node:http';
import { IssuerModule } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { issuerSecretsEnv, onboardIsv } from './support/issuer-under-test';

const CLIENT = '/subscriptions/5b0f7a43-1d7e-4c57-9a53-0c1d2e3f4a5b/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face-shed';
const ISSUE = '/sts/v1.0/issueLimitedAccessToken';

/** A request whose headers are sent and whose body is held back: admitted and in flight until `finish()`. */
function heldIssuance(url: string, key: string, payload: string): { finish: () => Promise<{ status: number; body: string }> } {
  const outgoing = request(`${url}${ISSUE}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'ocp-apim-subscription-key': key },
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
  });
  outgoing.write(payload.slice(0, 10));
  return {
    finish: async () => {
      outgoing.end(payload.slice(10));
      const response = await answered;
      let body = '';
      for await (const chunk of response) body += String(chunk);
      return { status: response.statusCode ?? 0, body };
    },
  };
}

/**
 * Early global load shedding at the issuer, forced by configuration (an in-flight cap of 1) rather than by
 * timing: one issuance is held in flight, the next is refused 503 before any work, the probes still answer, and
 * the held one still completes with its token and its lat.issued.
 */
describeWithInfrastructure('issuer load shedding (real PostgreSQL and Kafka)', () => {
  let service: ServiceUnderTest;
  let key = '';

  beforeAll(async () => {
    service = await startServiceUnderTest('issuer', IssuerModule, {
      env: { ...issuerSecretsEnv(), LATCHKEY_SHED_MAX_IN_FLIGHT: '1', LATCHKEY_SHED_RETRY_AFTER_SECONDS: '3' },
    });
    key = await onboardIsv(service, { id: 'isv-shed', features: ['Face.Identification'] });
  });

  afterAll(async () => {
    await service?.stop();
  });

  const issued = async (): Promise<number> => {
    const rows = await service.database.query<{ n: string }>("SELECT count(*) AS n FROM issuer.outbox WHERE topic = 'lat.issued'");
    return Number(rows[0].n);
  };

  it('refuses with 503, Retry-After and the Azure error shape while the cap is reached, keeps /readyz up, and loses nothing accepted', async () => {
    const payload = JSON.stringify({ targetAzureResourceId: CLIENT, featureFlags: ['Face.Identification'] });
    const before = await issued();
    const held = heldIssuance(service.handle.url, key, payload);
    let answer: { status: number; body: string } | undefined;
    try {
      // Once the held request's headers are in, any request over the cap is shed (the JWKS read issues nothing).
      await eventually(async () => (await fetch(`${service.handle.url}/.well-known/jwks.json`)).status === 503, {
        timeoutMs: 10_000,
        what: 'the cap reached',
      });
      const shed = await fetch(`${service.handle.url}${ISSUE}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': key },
        body: payload,
      });
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('3');
      expect(shed.headers.get('x-ms-error-code')).toBe('ServiceUnavailable');
      expect(await shed.json()).toEqual({
        error: { code: 'ServiceUnavailable', message: expect.any(String), innererror: { code: 'ServerOverloaded', message: expect.any(String) } },
      });

      expect((await fetch(`${service.handle.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${service.handle.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${service.handle.url}/metrics`)).status).toBe(200);
    } finally {
      answer = await held.finish();
    }
    // The admitted request is not dropped: it gets its token, and it is the only issuance: the shed one did no work.
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await issued()) - before).toBe(1);
    // And with the slot free again, the next issuance is admitted.
    const next = await fetch(`${service.handle.url}${ISSUE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': key },
      body: payload,
    });
    expect(next.status).toBe(200);
  });
});
