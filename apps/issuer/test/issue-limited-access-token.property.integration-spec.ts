import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import { IsvRepository } from '@latchkey/issuer/data-access';
import { IssuerModule } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';
import { generateApiKey, hashApiKey } from '@latchkey/tokens';

const RUNS = 10000;
const SUB = 'dc4d27d9-ea49-4921-938f-7782a774e151';
const GOOD = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face-one`;
const GRANTED = ['Face.Verification'];

describeWithInfrastructure('issueLimitedAccessToken under random input (property)', () => {
  let service: ServiceUnderTest;
  const key = generateApiKey('isv');

  beforeAll(async () => {
    service = await startServiceUnderTest('issuer', IssuerModule, {
      env: { LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    });
    await new IsvRepository(service.database).insertIfAbsent({
      id: 'isv-property',
      displayName: 'property',
      status: 'approved',
      grantedFeatures: GRANTED,
      subscriptionKeyHash: hashApiKey(key),
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  // Mostly near-valid requests, so the deeper rules are reached, mixed with arbitrary junk.
  const flag = fc.oneof(fc.constantFrom(...FEATURE_FLAGS), fc.constantFrom('face.verification', 'Face.*', ''), fc.string({ maxLength: 20 }));
  const resourceId = fc.oneof(fc.constant(GOOD), fc.constant(GOOD.toUpperCase()), fc.constant(GOOD + '/'), fc.string({ maxLength: 60 }));
  const body = fc.oneof(
    fc.record({ targetAzureResourceId: resourceId, featureFlags: fc.array(flag, { maxLength: 4 }) }, { requiredKeys: ['featureFlags'] }),
    fc.record({ resourceId, featureFlags: fc.array(flag, { maxLength: 4 }), extra: fc.anything() }, { requiredKeys: [] }),
    fc.jsonValue(),
  );
  const expiredTime = fc.oneof(
    fc.constant(''),
    fc.integer({ min: -100, max: 100000 }).map((n) => `?expiredTime=${n}`),
    fc.string({ maxLength: 8 }).map((s) => `?expiredTime=${encodeURIComponent(s)}`),
    fc.constant('?expiredTime=60&expiredTime=61'),
  );
  const subscriptionKey = fc.oneof(fc.constant(key), fc.constant(undefined), fc.constant(generateApiKey('client')), fc.string({ maxLength: 50 }));

  it(`answers ${RUNS} random requests only with 200/400/401/403/429, and never grants an ungranted flag`, async () => {
    await fc.assert(
      fc.asyncProperty(body, expiredTime, subscriptionKey, async (payload, query, header) => {
        const response = await service.handle.app.inject({
          method: 'POST',
          url: `/sts/v1.0/issueLimitedAccessToken${query}`,
          headers: { 'content-type': 'application/json', ...(header !== undefined ? { 'ocp-apim-subscription-key': header.replace(/[^\x20-\x7e]/g, '') } : {}) },
          payload: JSON.stringify(payload),
        });
        expect([200, 400, 401, 403, 429]).toContain(response.statusCode);
        if (response.statusCode === 200) {
          const claims = JSON.parse(Buffer.from(response.body.split('.')[1], 'base64url').toString()) as { features: string[] };
          expect(claims.features.every((f) => GRANTED.includes(f))).toBe(true);
        } else {
          expect(response.json<{ error: { code: string } }>().error.code).toEqual(expect.any(String));
        }
      }),
      { numRuns: RUNS },
    );
  }, 600000);
});
