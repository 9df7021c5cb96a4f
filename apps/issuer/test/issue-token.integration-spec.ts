import { IssuerModule } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';
import { generateApiKey, verifyResourceToken, type PublicJwks } from '@latchkey/tokens';
import { issuerSecretsEnv, onboardIsv } from './support/issuer-under-test';

const ISSUER_URL = 'http://issuer.test';
const OWN = '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourcegroups/isv-rg/providers/microsoft.cognitiveservices/accounts/isv-face';

describeWithInfrastructure('POST /sts/v1.0/issueToken (real PostgreSQL and Kafka)', () => {
  let service: ServiceUnderTest;
  let withResource = '';
  let withoutResource = '';

  beforeAll(async () => {
    service = await startServiceUnderTest('issuer', IssuerModule, {
      env: { ...issuerSecretsEnv(), LATCHKEY_ISSUER_URL: ISSUER_URL },
    });
    withResource = await onboardIsv(service, { id: 'isv-own', resourceId: OWN });
    withoutResource = await onboardIsv(service, { id: 'isv-none' });
  });

  afterAll(async () => {
    await service?.stop();
  });

  // The vendor's documented request: form content type, empty body.
  const issueToken = (key?: string) =>
    service.handle.app.inject({
      method: 'POST',
      url: '/sts/v1.0/issueToken',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '0', ...(key ? { 'ocp-apim-subscription-key': key } : {}) },
    });

  it("answers a 10-minute at+jwt for the key's own resource that verifies against the JWKS", async () => {
    const response = await issueToken(withResource);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/jwt');
    const jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
    const verified = await verifyResourceToken(response.body, { jwks, issuer: ISSUER_URL, audience: OWN });
    expect(verified.claims.exp - verified.claims.iat).toBe(600);
    expect(verified.claims.aud).toBe(OWN);
  });

  it('answers no body, an empty form, an empty JSON body, {} and a form with fields alike (200)', async () => {
    const send = (headers: Record<string, string>, payload?: string) =>
      service.handle.app.inject({
        method: 'POST',
        url: '/sts/v1.0/issueToken',
        headers: { 'ocp-apim-subscription-key': withResource, ...headers },
        ...(payload === undefined ? {} : { payload }),
      });
    const answers = [
      await send({}),
      await send({ 'content-type': 'application/x-www-form-urlencoded' }, ''),
      await send({ 'content-type': 'application/json' }, ''),
      await send({ 'content-type': 'application/json' }, '{}'),
      await send({ 'content-type': 'application/x-www-form-urlencoded' }, 'a=1&a=2'),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200, 200]);
  });

  it('keeps "JSON parsing error." for malformed JSON', async () => {
    const response = await service.handle.app.inject({
      method: 'POST',
      url: '/sts/v1.0/issueToken',
      headers: { 'ocp-apim-subscription-key': withResource, 'content-type': 'application/json' },
      payload: '{',
    });
    expect({ status: response.statusCode, body: response.json() }).toEqual({
      status: 400,
      body: { error: { code: 'BadArgument', message: 'JSON parsing error.' } },
    });
  });

  it('refuses a missing key, a client key and a key without a registered resource', async () => {
    expect((await issueToken()).json()).toMatchObject({ error: { code: '401', innererror: { code: 'SubscriptionKeyMissing' } } });
    expect((await issueToken(generateApiKey('client'))).json()).toMatchObject({ error: { code: 'PermissionDenied', innererror: { code: 'ClientKeyIsNotIsvKey' } } });
    const none = await issueToken(withoutResource);
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ error: { code: 'PermissionDenied', innererror: { code: 'KeyHasNoResource' } } });
  });
});
