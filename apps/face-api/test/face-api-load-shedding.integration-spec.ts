import { randomUUID } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { expectLatRefusal, GatedFaceApi, USER_AGENT, type ClientResource } from './support/gated-face-api';
import { IssuerProcess, type OnboardedIsv } from './support/issuer-process';
import { decodeJws } from './support/jwt-forgery';
import { useOwnKafka, type OwnKafka } from './support/own-kafka';
import { UseEventTap } from './support/use-event-tap';

const ISSUER_URL = 'https://sts.face-api-shedding.test';
const IDENTIFY = '/face/v1.0/identify';

const jtiOf = (token: string): string => String(decodeJws(token).payload['jti']);

/** A gated request whose headers are sent and whose body is held back: admitted and in flight until `finish()`. */
function heldRequest(url: string, headers: Record<string, string>, payload: string): { finish: () => Promise<number> } {
  const outgoing = request(`${url}${IDENTIFY}`, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(payload) } });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
  });
  outgoing.write(payload.slice(0, 10));
  return {
    finish: async () => {
      outgoing.end(payload.slice(10));
      const response = await answered;
      response.resume();
      return response.statusCode ?? 0;
    },
  };
}

/**
 * Early global load shedding at the face-api, forced by configuration (an in-flight cap of 1) rather than by
 * timing: with one gated request held in flight, the next is refused 503 before its token is even looked at (no
 * lat.used, no lat.rejected), the probes still answer, and the held request is still served and recorded.
 */
describeWithInfrastructure('face-api load shedding (real Kafka and PostgreSQL)', () => {
  let kafka: OwnKafka | undefined;
  let issuer: IssuerProcess;
  let face: GatedFaceApi;
  let tap: UseEventTap;
  let door: ClientResource;
  let isv: OnboardedIsv;

  beforeAll(async () => {
    kafka = await useOwnKafka();
    const tapping = UseEventTap.start();
    tapping.catch(() => undefined); // awaited below; meanwhile a failure must not count as unhandled
    issuer = await IssuerProcess.start(ISSUER_URL);
    // startServiceUnderTest reads the rest of its configuration from the environment too.
    process.env['LATCHKEY_SHED_MAX_IN_FLIGHT'] = '1';
    process.env['LATCHKEY_SHED_RETRY_AFTER_SECONDS'] = '2';
    face = await GatedFaceApi.start(issuer);
    [door, isv] = await Promise.all([
      face.createClientResource('door-shed'),
      issuer.onboardIsv(`isv-shed-${randomUUID().slice(0, 8)}`, ['Face.Identification']),
    ]);
    tap = await tapping;
  }, 120_000);

  afterAll(async () => {
    try {
      await tap?.stop();
      await face?.stop();
      await issuer?.stop();
    } finally {
      await kafka?.stop();
    }
  });

  it('sheds a gated request over the cap with 503 + Retry-After in the Face error shape, records nothing for it, and serves the held one', async () => {
    const mint = () => issuer.mint(isv.subscriptionKey, { resourceId: door.armId, features: ['Face.Identification'] });
    const [heldToken, shedToken] = [await mint(), await mint()];
    // Bodies first: building one calls detect, which would itself be shed once the cap is reached.
    const payload = JSON.stringify(await face.bodyFor('identify', door.subscriptionKey));
    const headers = (token: string) => ({
      'ocp-apim-subscription-key': door.subscriptionKey,
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      limitedaccesstoken: `Bearer ${token}`,
    });

    const held = heldRequest(face.url, headers(heldToken), payload);
    let heldStatus = 0;
    try {
      await eventually(async () => (await fetch(`${face.url}/face/v1.0/no-such-operation`)).status === 503, {
        timeoutMs: 10_000,
        what: 'the cap reached',
      });
      const shed = await fetch(`${face.url}${IDENTIFY}`, { method: 'POST', headers: headers(shedToken), body: payload });
      const answer = { statusCode: shed.status, headers: Object.fromEntries(shed.headers), body: await shed.text() };
      expectLatRefusal(answer, 503, 'ServiceUnavailable', 'ServerOverloaded', [shedToken, door.subscriptionKey]);
      expect(answer.headers['retry-after']).toBe('2');

      expect((await fetch(`${face.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${face.url}/healthz`)).status).toBe(200);
    } finally {
      heldStatus = await held.finish();
    }
    // Accepted, so served and recorded; the shed request left no trace on the bus (same client resource, same
    // partition: once the held request's lat.used is here, an earlier event of the shed one would be too).
    expect(heldStatus).toBe(200);
    expect(await tap.usesOf(jtiOf(heldToken))).toHaveLength(1);
    expect(tap.used.filter((event) => event.envelope.data.jti === jtiOf(shedToken))).toEqual([]);
    expect(tap.rejected.filter((event) => event.envelope.data.jti === jtiOf(shedToken))).toEqual([]);
  });
});
