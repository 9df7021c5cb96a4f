import { randomUUID } from 'node:crypto';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { EntraTestProvider, GRAPH_APP_ID } from '@latchkey/exchange/testing';
import type { ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { verifyInternalAccessToken, type PublicJwks } from '@latchkey/tokens';
import { ACCESS_TOKEN, ExchangeWithUpstream, TOKEN_EXCHANGE, type UpstreamCall } from './support/exchange-with-upstream';

const EXCHANGE_URL = 'https://exchange.flow.test';
const AUDIENCE = 'api://latchkey';
const TESTAPI_AUDIENCE = 'api://latchkey-testapi';
const TENANT = '3f0c5b1e-2a44-4c8e-9d61-0a7b2c3d4e5f';
const OTHER_TENANT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const APP_ID = 'b7c9d1e3-0000-4000-8000-00000000a991';

/**
 * The exchange end to end on real PostgreSQL and Kafka, with a real OIDC provider (panva's oidc-provider, minting
 * Entra-shaped v1 and v2 tokens) and a real upstream API: both surfaces (RFC 8693 at /oauth2/token, the gateway at
 * /api/services/v1/testapi), the internal token verified offline with the exchange's published keys, the cache, the
 * refusals in each protocol's own shape, and a person's revocation applied to the cache at once.
 */
describeWithInfrastructure('exchange: Entra token in, internal token out (real OIDC provider, PostgreSQL, Kafka)', () => {
  let exchange: ExchangeWithUpstream;
  let idp: EntraTestProvider;
  let service: ServiceUnderTest;
  let upstreamCalls: UpstreamCall[];
  let clientSecret: string;
  let jwks: PublicJwks;

  beforeAll(async () => {
    exchange = await ExchangeWithUpstream.start({
      exchangeUrl: EXCHANGE_URL,
      entraAudience: AUDIENCE,
      tenants: [TENANT, OTHER_TENANT],
      trustedTenants: [TENANT],
      upstreams: { testapi: { path: '/testapi', audience: TESTAPI_AUDIENCE, scopes: ['testapi.read', 'testapi.write'] } },
      upstreamAnswer: { status: 207, headers: { 'content-type': 'application/json', 'x-testapi': 'answered' }, body: '{"testapi":"ok"}' },
      application: {
        clientId: APP_ID,
        displayName: 'Test API caller',
        scopes: { 'testapi.read': ['testapi:read'], 'testapi.write': ['testapi:write'] },
      },
    });
    ({ idp, service, upstreamCalls, clientSecret, jwks } = exchange);
  }, 120_000);

  afterAll(async () => {
    await exchange?.stop();
  });

  const userToken = (overrides: Partial<Parameters<EntraTestProvider['accessToken']>[0]> = {}) =>
    idp.accessToken({ tenant: TENANT, version: '2.0', oid: randomUUID(), appId: APP_ID, scopes: ['user_impersonation'], name: 'Ada', ...overrides });

  const tokenRequest = (subjectToken: string, fields: Record<string, string> = {}, secret = clientSecret) =>
    exchange.tokenRequest({ subject_token: subjectToken, scope: 'testapi.read', ...fields }, secret);

  const gateway = (token: string, headers: Record<string, string> = {}, body = 'name=John&role=admin') =>
    service.handle.app.inject({
      method: 'POST',
      url: '/api/services/v1/testapi/items?page=2',
      headers: {
        authorization: `Bearer ${token}`,
        scope: 'testapi.read testapi.write',
        client_id: APP_ID,
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      payload: body,
    });

  it.each(['2.0', '1.0'] as const)('exchanges a v%s token at /oauth2/token for an internal token the API verifies offline', async (version) => {
    const oid = randomUUID();
    const answer = await tokenRequest(await userToken({ version, oid }));

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const body = answer.json<{ access_token: string; issued_token_type: string; token_type: string; expires_in: number; scope: string }>();
    expect(body).toMatchObject({ issued_token_type: ACCESS_TOKEN, token_type: 'Bearer', scope: 'testapi.read' });
    expect(body.expires_in).toBeGreaterThan(3500);
    const { claims } = await verifyInternalAccessToken(body.access_token, { jwks, issuer: EXCHANGE_URL, audience: TESTAPI_AUDIENCE });
    expect(claims).toMatchObject({ client_id: APP_ID, scope: 'testapi.read', tid: TENANT, oid });
    const [person] = await service.database.query<{ person_id: string }>(
      'SELECT person_id FROM exchange.identities WHERE tenant_id = $1 AND object_id = $2',
      [TENANT, oid],
    );
    expect(claims.sub).toBe(person?.person_id);
    const completed = await service.database.query<{ n: string }>(
      "SELECT count(*) AS n FROM exchange.outbox WHERE topic = 'exchange.completed' AND envelope->'data'->>'jti' = $1",
      [claims.jti],
    );
    expect(Number(completed[0]?.n)).toBe(1);
    expect(JSON.stringify(await service.database.query('SELECT envelope FROM exchange.outbox'))).not.toContain(body.access_token);
  });

  it('hands out the same token for the same source token until shortly before it expires', async () => {
    const source = await userToken();
    const first = (await tokenRequest(source)).json<{ access_token: string }>().access_token;
    const second = (await tokenRequest(source)).json<{ access_token: string }>().access_token;
    expect(second).toBe(first);
    expect((await tokenRequest(source, { scope: 'testapi.read testapi.write' })).json<{ access_token: string }>().access_token).not.toBe(first);
  });

  it.each([
    ['a wrong client secret', async () => tokenRequest(await userToken(), {}, 'not-the-secret'), 401, 'invalid_client'],
    ['a scope the application does not allow', async () => tokenRequest(await userToken(), { scope: 'admin.everything' }), 400, 'invalid_scope'],
    ['an audience no API has', async () => tokenRequest(await userToken(), { audience: 'api://elsewhere' }), 400, 'invalid_target'],
    ['another grant type', async () => tokenRequest(await userToken(), { grant_type: 'client_credentials' }), 400, 'unsupported_grant_type'],
    // RFC 6749 §5.2: every refusal but invalid_client is 400 here, whatever status the gateway gives it.
    ['a token of an untrusted tenant', async () => tokenRequest(await userToken({ tenant: OTHER_TENANT })), 400, 'invalid_request'],
    [
      'a Microsoft Graph token',
      async () => tokenRequest(await userToken({ audience: GRAPH_APP_ID, extraHeader: { nonce: 'graph' } })),
      400,
      'invalid_request',
    ],
    ['an ID token', async () => tokenRequest(await idp.idToken({ tenant: TENANT, version: '2.0', oid: randomUUID() })), 400, 'invalid_request'],
    [
      'an app-only token (the application denies them)',
      async () => tokenRequest(await userToken({ appOnly: true, scopes: [], roles: ['Read.All'] })),
      400,
      'invalid_request',
    ],
    [
      'an audience and a resource together',
      async () => tokenRequest(await userToken(), { audience: TESTAPI_AUDIENCE, resource: TESTAPI_AUDIENCE }),
      400,
      'invalid_request',
    ],
  ])('refuses %s in the RFC 6749 shape', async (_what, send, status, error) => {
    const answer = await send();
    expect({ status: answer.statusCode, error: answer.json<{ error: string }>().error }).toEqual({ status, error });
    expect(answer.json()).toEqual({ error, error_description: expect.any(String) });
    expect(answer.headers['cache-control']).toBe('no-store');
    // RFC 7235: every 401 carries a challenge.
    if (status === 401) expect(answer.headers['www-authenticate']).toBe('Basic realm="latchkey-exchange"');
  });

  const FORM = 'application/x-www-form-urlencoded';
  const rawTokenRequest = (headers: Record<string, string>, payload: string) =>
    service.handle.app.inject({ method: 'POST', url: '/oauth2/token', headers, payload });
  const formOf = async (fields: Record<string, string>) =>
    new URLSearchParams({
      grant_type: TOKEN_EXCHANGE,
      subject_token: await userToken(),
      subject_token_type: ACCESS_TOKEN,
      scope: 'testapi.read',
      ...fields,
    }).toString();
  const basicOf = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  it.each([
    ['no client authentication at all', async () => rawTokenRequest({ 'content-type': FORM }, await formOf({}))],
    ['a client_id with a NUL in the body', async () => rawTokenRequest({ 'content-type': FORM }, await formOf({ client_id: 'a\u0000b' }))],
    [
      'a client_id with a NUL in HTTP Basic',
      async () => rawTokenRequest({ 'content-type': FORM, authorization: basicOf('a%00b', 'secret') }, await formOf({})),
    ],
  ])('answers %s invalid_client 401 with the Basic challenge, before any lookup', async (_what, send) => {
    const answer = await send();
    expect({ status: answer.statusCode, error: answer.json<{ error: string }>().error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(answer.headers['www-authenticate']).toBe('Basic realm="latchkey-exchange"');
  });

  it.each([
    [
      'a JSON body, however complete',
      'application/json',
      async () =>
        `{"grant_type":"${TOKEN_EXCHANGE}","subject_token":"${await userToken()}","subject_token_type":"${ACCESS_TOKEN}","scope":"testapi.read"}`,
    ],
    ['a multipart body', 'multipart/form-data; boundary=x', async () => '--x\r\nContent-Disposition: form-data; name="scope"\r\n\r\na\r\n--x--\r\n'],
  ])('refuses %s with 415 invalid_request', async (_what, contentType, payload) => {
    const answer = await rawTokenRequest({ 'content-type': contentType, authorization: basicOf(APP_ID, clientSecret) }, await payload());
    expect({ status: answer.statusCode, error: answer.json<{ error: string }>().error }).toEqual({ status: 415, error: 'invalid_request' });
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('refuses a JSON body that repeats a key with 400 invalid_request, before the route could read it', async () => {
    const payload = `{"grant_type":"${TOKEN_EXCHANGE}","subject_token":"${await userToken()}","subject_token_type":"${ACCESS_TOKEN}","scope":"a","scope":"testapi.read"}`;
    const answer = await rawTokenRequest({ 'content-type': 'application/json', authorization: basicOf(APP_ID, clientSecret) }, payload);
    expect({ status: answer.statusCode, error: answer.json<{ error: string }>().error }).toEqual({ status: 400, error: 'invalid_request' });
    expect(answer.body).not.toContain('eyJ');
  });

  it('tells a JSON caller to send a form body', async () => {
    const answer = await rawTokenRequest({ 'content-type': 'application/json', authorization: basicOf(APP_ID, clientSecret) }, '{}');
    expect(answer.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Send the request as a form body (content-type application/x-www-form-urlencoded).',
    });
  });

  it('tells a caller with an empty JSON body to send a form body too (415), not "JSON parsing error."', async () => {
    const answer = await rawTokenRequest({ 'content-type': 'application/json', authorization: basicOf(APP_ID, clientSecret) }, '');
    expect(answer.statusCode).toBe(415);
    expect(answer.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Send the request as a form body (content-type application/x-www-form-urlencoded).',
    });
  });

  it("quotes a repeated JSON key with ' in error_description (RFC 6749 §5.2 forbids the double quote)", async () => {
    const answer = await rawTokenRequest({ 'content-type': 'application/json' }, '{"scope":"a","scope":"b"}');
    expect(answer.json()).toEqual({ error: 'invalid_request', error_description: "The JSON body repeats the key 'scope'." });
  });

  it('refuses a form on the JSON admin API with 415, before any credential is checked', async () => {
    const answer = await service.handle.app.inject({
      method: 'POST',
      url: '/admin/v1/oauth-applications',
      headers: { 'content-type': FORM },
      payload: 'clientId=a&scopes=testapi.read&scopes=testapi.write',
    });
    expect({ status: answer.statusCode, body: answer.json() }).toEqual({
      status: 415,
      body: { error: { code: 'BadArgument', message: 'Invalid Media Type.' } },
    });
  });

  it('says "token audience must be this API" for a Graph token', async () => {
    const answer = await tokenRequest(await userToken({ audience: GRAPH_APP_ID, extraHeader: { nonce: 'graph' } }));
    expect(answer.json<{ error_description: string }>().error_description).toMatch(/token audience must be this API/);
  });

  it('forwards a gateway call to the API with the internal token, and brings its answer back unchanged', async () => {
    const oid = randomUUID();
    upstreamCalls.length = 0;
    const answer = await gateway(await userToken({ oid }));

    expect(answer.statusCode).toBe(207);
    expect(answer.body).toBe('{"testapi":"ok"}');
    expect(answer.headers['x-testapi']).toBe('answered');
    expect(upstreamCalls).toHaveLength(1);
    const call = upstreamCalls[0]!;
    expect(call).toMatchObject({ method: 'POST', url: '/testapi/items?page=2', body: 'name=John&role=admin' });
    expect(call.headers).not.toHaveProperty('scope');
    expect(call.headers).not.toHaveProperty('client_id');
    const bearer = /^Bearer (.+)$/.exec(call.headers.authorization ?? '')?.[1] ?? '';
    const { claims } = await verifyInternalAccessToken(bearer, { jwks, issuer: EXCHANGE_URL, audience: TESTAPI_AUDIENCE });
    expect(claims).toMatchObject({ oid, scope: 'testapi.read testapi.write', client_id: APP_ID });
  });

  it.each([
    ['no token', { authorization: '' }, 401, 'TokenMissing'],
    ['no scope header', { scope: '' }, 400, 'InvalidExchangeRequest'],
    ['no client_id header', { client_id: '' }, 400, 'InvalidExchangeRequest'],
    ['an unknown application', { client_id: 'no-such-app' }, 401, 'ClientUnknown'],
  ])('refuses a gateway call with %s in the platform’s error shape', async (_what, headers, status, inner) => {
    upstreamCalls.length = 0;
    const token = await userToken();
    const sent: Record<string, string> = { ...headers };
    const answer = await service.handle.app.inject({
      method: 'POST',
      url: '/api/services/v1/testapi',
      headers: Object.fromEntries(
        Object.entries({ authorization: `Bearer ${token}`, scope: 'testapi.read', client_id: APP_ID, ...sent }).filter(([, value]) => value !== ''),
      ),
      payload: '',
    });
    expect({ status: answer.statusCode, inner: answer.json<{ error: { innererror?: { code: string } } }>().error.innererror?.code }).toEqual({
      status,
      inner,
    });
    if (status === 401) expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="latchkey-exchange"/);
    expect(upstreamCalls).toHaveLength(0);
  });

  it('answers 404 for an API the gateway does not have', async () => {
    expect(await gateway(await userToken(), {}, '').then((a) => a.statusCode)).toBe(207);
    const unknown = await service.handle.app.inject({
      method: 'GET',
      url: '/api/services/v1/nosuchapi',
      headers: { authorization: 'Bearer x', scope: 'a', client_id: APP_ID },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('forwards a percent-encoded API name to the same upstream path, and refuses a path that climbs out of the API', async () => {
    const token = await userToken();
    const call = (url: string) =>
      service.handle.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, scope: 'testapi.read', client_id: APP_ID } });
    upstreamCalls.length = 0;
    expect((await call('/api/services/v1/test%61pi/items?page=2')).statusCode).toBe(207);
    expect((await call('/api/services/v1/%74%65%73%74%61%70%69')).statusCode).toBe(207);
    // The upstream is configured at <host>/testapi.
    expect(upstreamCalls.map((c) => c.url)).toEqual(['/testapi/items?page=2', '/testapi']);

    upstreamCalls.length = 0;
    for (const url of ['/api/services/v1/testapi/a%2Fb', '/api/services/v1/testapi/a%5C..']) {
      const answer = await call(url);
      expect({ url, status: answer.statusCode, inner: answer.json<{ error: { innererror?: { code: string } } }>().error.innererror?.code }).toEqual({
        url,
        status: 400,
        inner: 'InvalidExchangeRequest',
      });
    }
    // Dot segments: inject resolves them as a client would (to a path the gateway does not route, 404); a raw client
    // that sends them as they are gets 400 (gateway-path.spec.ts). Either way nothing reaches the upstream.
    for (const url of ['/api/services/v1/testapi/%2e%2e/admin', '/api/services/v1/testapi/../../admin/v1/isvs']) {
      expect([400, 404]).toContain((await call(url)).statusCode);
    }
    expect(upstreamCalls).toHaveLength(0);
  });

  it('stops handing out a cached token once its person is revoked, and refuses their source tokens issued before', async () => {
    const oid = randomUUID();
    const source = await userToken({ oid });
    const before = await tokenRequest(source);
    expect(before.statusCode).toBe(200);
    const { claims } = await verifyInternalAccessToken(before.json<{ access_token: string }>().access_token, {
      jwks,
      issuer: EXCHANGE_URL,
      audience: TESTAPI_AUDIENCE,
    });
    await new Promise((later) => setTimeout(later, 1100)); // the revocation's watermark is after the source token's iat (seconds)
    await service.bus.publish(AccessRevocationV1, {
      subject: { kind: 'person', personId: claims.sub },
      notBefore: new Date().toISOString(),
      action: 'revoke',
      reason: 'ADMIN.MANUAL',
      alertId: null,
      actor: 'operator:test',
    });
    const after = await eventually(
      async () => {
        const answer = await tokenRequest(source);
        return answer.statusCode === 400 ? answer : false;
      },
      { timeoutMs: 20_000, what: 'the revoked person refused' },
    );
    expect(after.json()).toMatchObject({ error: 'invalid_request' });
  });
});
