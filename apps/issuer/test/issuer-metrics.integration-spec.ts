import { randomUUID } from 'node:crypto';
import { IssuerProcess, type OnboardedIsv } from '@latchkey/service-testing';
import { METRICS, prometheusName } from '@latchkey/telemetry';
import { describeWithInfrastructure, scrapeMetrics } from '@latchkey/testing';

const ISSUER_URL = 'https://sts.metrics.test';
const RESOURCE = '/subscriptions/5c1f7a52-6b0e-4d8a-9d3e-2f4b8c6a1e07/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face-metrics';
const REQUESTS = prometheusName(METRICS.issuanceRequests);
const DURATION = prometheusName(METRICS.issuanceDuration);

/**
 * What the issuer's `/metrics` shows of issueLimitedAccessToken, from the real
 * process with telemetry on as deployed (its main.ts registers the SDK first).
 */
describeWithInfrastructure('Issuer metrics at /metrics (its own process, real Kafka and PostgreSQL)', () => {
  let issuer: IssuerProcess;
  let isv: OnboardedIsv;

  beforeAll(async () => {
    issuer = await IssuerProcess.start(ISSUER_URL);
    isv = await issuer.onboardIsv(`isv-metrics-${randomUUID().slice(0, 8)}`, ['Face.Identification']);
  }, 120_000);

  afterAll(async () => {
    if (issuer) expect(await issuer.stop()).toBe(0);
  });

  it('counts and times an issued token and each refusal by its innererror code, with no ISV, resource or key in a label', async () => {
    const issued = await issuer.issueLimitedAccessToken(isv.subscriptionKey, { resourceId: RESOURCE, features: ['Face.Identification'] });
    const notGranted = await issuer.issueLimitedAccessToken(isv.subscriptionKey, { resourceId: RESOURCE, features: ['Face.Verification'] });
    const noKey = await issuer.request('POST', '/sts/v1.0/issueLimitedAccessToken', {
      body: { targetAzureResourceId: RESOURCE, featureFlags: ['Face.Identification'] },
    });
    expect([issued.status, notGranted.status, noKey.status]).toEqual([200, 403, 401]);

    const scrape = await scrapeMetrics(issuer.url);
    expect(scrape.families.get(REQUESTS)?.type).toBe('counter');
    expect(scrape.total(REQUESTS, { outcome: 'issued', reason: 'none' })).toBe(1);
    expect(scrape.total(REQUESTS, { outcome: 'refused', reason: 'FeatureNotGrantedToIsv' })).toBe(1);
    expect(scrape.total(REQUESTS, { outcome: 'refused', reason: 'SubscriptionKeyMissing' })).toBe(1);
    expect(scrape.total(REQUESTS)).toBe(3);
    expect(scrape.families.get(DURATION)?.type).toBe('histogram');
    expect(scrape.total(`${DURATION}_count`, { outcome: 'issued' })).toBe(1);
    expect(scrape.total(`${DURATION}_count`, { outcome: 'refused' })).toBe(2);
    expect(scrape.total(`${DURATION}_sum`, { outcome: 'issued' })).toBeGreaterThan(0);
    for (const secret of [isv.id, isv.subscriptionKey, 'face-metrics', issued.text]) expect(scrape.text).not.toContain(secret);
  });
});
