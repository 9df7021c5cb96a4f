import { randomUUID } from 'node:crypto';
import { FaceApiProcess, innerErrorCode, IssuerProcess, type ClientResource, type OnboardedIsv } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually, scrapeMetrics } from '@latchkey/testing';

const ISSUER_URL = 'https://sts.token-use-metrics.test';
const USES = 'latchkey_token_use_requests_total';
const FEATURE = 'Face.Identification';

/**
 * What the face-api's `/metrics` says about token use, with the service as deployed (its own process, telemetry
 * on, as `apps/face-api/src/main.ts` starts it): served and refused uses by outcome and innererror code, the
 * propagation of a live revocation from the issuer over Kafka, and the fetch of the issuer's JWKS.
 */
describeWithInfrastructure('token-use metrics at the face-api process', () => {
  let issuer: IssuerProcess;
  let face: FaceApiProcess;
  let a: ClientResource;
  let b: ClientResource;
  let isv: OnboardedIsv;
  /** What the face-api answered, tallied here: the metrics must agree. */
  const answered = { served: 0, refused: new Map<string, number>() };

  beforeAll(async () => {
    issuer = await IssuerProcess.start(ISSUER_URL);
    face = await FaceApiProcess.start(issuer);
    [a, b, isv] = await Promise.all([
      face.createClientResource('door-a'),
      face.createClientResource('door-b'),
      issuer.onboardIsv(`isv-metrics-${randomUUID().slice(0, 8)}`, [FEATURE]),
    ]);
  }, 120_000);

  afterAll(async () => {
    await face?.stop();
    await issuer?.stop();
  });

  const identify = async (resource: ClientResource, token: string) => {
    const answer = await face.gated('identify', resource.subscriptionKey, token);
    if (answer.statusCode === 200) answered.served++;
    else {
      const inner = innerErrorCode(answer.body) ?? `status ${answer.statusCode}`;
      answered.refused.set(inner, (answered.refused.get(inner) ?? 0) + 1);
    }
    return answer;
  };

  it('counts served and refused uses by reason, the revocation’s propagation and the JWKS fetch', async () => {
    const token = await issuer.mint(isv.subscriptionKey, { resourceId: a.armId, features: [FEATURE] });
    expect((await identify(a, token)).statusCode).toBe(200);
    expect(innerErrorCode((await identify(b, token)).body)).toBe('TokenForAnotherResource');

    // A live revocation: the operator revokes the ISV at the issuer; the record reaches the face-api over Kafka.
    await issuer.admin('POST', `/isvs/${isv.id}/issuing-right/revoke`, 200, { reason: 'ADMIN.CONTRACT_ENDED' });
    await eventually(async () => innerErrorCode((await identify(a, token)).body) === 'TokenRevoked', {
      timeoutMs: 30_000,
      what: 'the revocation applied',
    });

    const scrape = await scrapeMetrics(face.url);
    expect(scrape.families.get(USES)?.type).toBe('counter');
    expect(scrape.total(USES, { outcome: 'served', reason: 'none', feature: FEATURE })).toBe(answered.served);
    expect(answered.served).toBeGreaterThanOrEqual(1);
    for (const [reason, count] of answered.refused)
      expect({ reason, count: scrape.total(USES, { outcome: 'refused', reason, feature: FEATURE }) }).toEqual({ reason, count });
    expect(scrape.total(USES, { outcome: 'refused', reason: 'TokenRevoked' })).toBe(1);
    expect(scrape.total(USES, { outcome: 'refused', reason: 'TokenForAnotherResource' })).toBe(1);
    expect(scrape.total(USES)).toBe(answered.served + [...answered.refused.values()].reduce((sum, n) => sum + n, 0));

    // At least the ISV's revocation was applied live (other files' revocations on the shared broker may be too).
    expect(scrape.families.get('latchkey_revocation_propagation')?.type).toBe('histogram');
    expect(scrape.total('latchkey_revocation_propagation_count', { service: 'face-api' })).toBeGreaterThanOrEqual(1);
    expect(scrape.samples('latchkey_revocation_propagation_bucket', { service: 'face-api', le: '+Inf' })).toHaveLength(1);
    // The issuer's keys, fetched at boot.
    expect(scrape.total('latchkey_jwks_refreshes_total', { source: 'issuer', outcome: 'ok' })).toBeGreaterThanOrEqual(1);

    // Bounded labels only: no token, ISV, resource or key in the exposition.
    for (const secret of [token, isv.id, isv.subscriptionKey, a.subscriptionKey, b.subscriptionKey, a.resourceId])
      expect(scrape.text).not.toContain(secret);
  }, 90_000);
});
