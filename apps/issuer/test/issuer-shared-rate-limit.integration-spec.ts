import { randomUUID } from 'node:crypto';
import { IssuerModule } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructureAndRedis, testRedisUrl } from '@latchkey/testing';
import { issuerSecretsEnv, onboardIsv } from './support/issuer-under-test';

const CLIENT = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face-one';

/** Two issuer instances in front of one ISV: with Redis, the ISV's budget is one, not one per instance. */
describeWithInfrastructureAndRedis('issuer rate limit shared across instances (real Redis, PostgreSQL and Kafka)', () => {
  const instances: ServiceUnderTest[] = [];
  const keys: string[] = [];
  // A fresh ISV id per run: the counters in Redis are keyed by it.
  const isvId = `isv-shared-${randomUUID()}`;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const service = await startServiceUnderTest('issuer', IssuerModule, {
        env: {
          ...issuerSecretsEnv(),
          LATCHKEY_ISSUER_RATE_LIMIT_PER_SECOND: '2',
          LATCHKEY_ISSUER_RATE_LIMIT_BURST: '2',
          LATCHKEY_ISSUER_RATE_LIMIT_REDIS_URL: testRedisUrl() ?? '',
        },
      });
      instances.push(service);
      // Each instance has its own scratch database here; the ISV id is what the limit counts by.
      keys.push(await onboardIsv(service, { id: isvId, features: ['Face.Identification'] }));
    }
  });

  afterAll(async () => {
    await Promise.all(instances.map((s) => s.stop()));
  });

  it('refuses on one instance what the other already spent', async () => {
    const statuses: number[] = [];
    // Alternate instances: 2 per second + 2 burst = 4 allowed in total, not 8.
    for (let i = 0; i < 8; i++) {
      const response = await instances[i % 2].handle.app.inject({
        method: 'POST',
        url: '/sts/v1.0/issueLimitedAccessToken',
        headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': keys[i % 2] },
        payload: JSON.stringify({ targetAzureResourceId: CLIENT, featureFlags: ['Face.Identification'] }),
      });
      statuses.push(response.statusCode);
    }
    // Allow one window boundary within the loop: at most one refill of the per-second rate.
    const allowed = statuses.filter((s) => s === 200).length;
    expect(allowed).toBeGreaterThanOrEqual(4);
    expect(allowed).toBeLessThanOrEqual(6);
    expect(statuses.filter((s) => s === 429).length).toBe(8 - allowed);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
  });
});
