import { IssuerModule } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';
import { issuerSecretsEnv, onboardIsv } from './support/issuer-under-test';

const CLIENT = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face-one';

describeWithInfrastructure('issuer rate limit per ISV key (real PostgreSQL and Kafka)', () => {
  let service: ServiceUnderTest;
  let busy = '';
  let quiet = '';

  beforeAll(async () => {
    service = await startServiceUnderTest('issuer', IssuerModule, {
      env: {
        ...issuerSecretsEnv(),
        LATCHKEY_ISSUER_RATE_LIMIT_PER_SECOND: '1',
        LATCHKEY_ISSUER_RATE_LIMIT_BURST: '2',
      },
    });
    busy = await onboardIsv(service, { id: 'isv-busy', features: ['Face.Identification'] });
    quiet = await onboardIsv(service, { id: 'isv-quiet', features: ['Face.Identification'] });
  });

  afterAll(async () => {
    await service?.stop();
  });

  const issue = (key: string) =>
    service.handle.app.inject({
      method: 'POST',
      url: '/sts/v1.0/issueLimitedAccessToken',
      headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': key },
      payload: JSON.stringify({ targetAzureResourceId: CLIENT, featureFlags: ['Face.Identification'] }),
    });

  it('answers 429 with Retry-After past the burst, records the flood once, and leaves other ISVs alone', async () => {
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof issue>> | undefined;
    for (let i = 0; i < 5; i++) {
      const response = await issue(busy);
      statuses.push(response.statusCode);
      if (response.statusCode === 429) refused ??= response;
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(refused?.headers['retry-after']).toBe('1');
    expect(refused?.headers['x-ms-error-code']).toBe('429');
    expect(refused?.json()).toMatchObject({ error: { code: '429', message: 'Rate limit is exceeded.', innererror: { code: 'IsvRateLimited' } } });
    expect((await issue(quiet)).statusCode).toBe(200);
    const denials = await service.database.query<{ n: string }>(
      "SELECT count(*) AS n FROM issuer.outbox WHERE topic = 'lat.issue-denied' AND envelope->'data'->>'reason' = 'ISSUER.RATE_LIMITED'",
    );
    expect(Number(denials[0].n)).toBeGreaterThanOrEqual(1);
    // Three or more refusals within about a second: one or two recorded, never one per refusal.
    expect(Number(denials[0].n)).toBeLessThanOrEqual(2);
  });
});
