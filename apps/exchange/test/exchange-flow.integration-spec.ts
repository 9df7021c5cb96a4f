import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { ExchangeModule } from '@latchkey/exchange/feature';
import { EntraTestProvider, GRAPH_APP_ID } from '@latchkey/exchange/testing';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateSigningKey, verifyInternalAccessToken, type PublicJwks } from '@latchkey/tokens';

const EXCHANGE_URL = 'https://exchange.flow.test';
const AUDIENCE = 'api://latchkey';
const TESTAPI_AUDIENCE = 'api://latchkey-testapi';
const TENANT = '3f0c5b1e-2a44-4c8e-9d61-0a7b2c3d4e5f';
const OTHER_TENANT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const APP_ID = 'b7c9d1e3-0000-4000-8000-00000000a991';
const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

interface UpstreamCall {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * The exchange end to end on real PostgreSQL and Kafka, with a real OIDC provider (panva's oidc-provider, minting
 * Entra-shaped v1 and v2 tokens) and a real upstream API: both surfaces (RFC 8693 at /oauth2/token, the gateway at
 * /api/services/v1/testapi), the internal token verified offline with the exchange's published keys, the cache, the
 * refusals in each protocol's own shape, and a person's revocation applied to the cache at once.
 */
describeWithInfrastructure('exchange: Entra token in, internal token out (real OIDC provider, PostgreSQL, Kafka)', () => {
  let idp: EntraTestProvider;
  let service: ServiceUnderTest;
  let upstream: Server;
  let upstreamCalls: UpstreamCall[];
  let clientSecret: string;
  let jwks: PublicJwks;

  beforeAll(async () => {
    idp = await EntraTestProvider.start({ tenants: [TENANT, OTHER_TENANT], audience: AUDIENCE });
    upstreamCalls = [];
    upstream = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        upstreamCalls.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString(),
        });
        response.writeHead(207, { 'content-type': 'application/json', 'x-testapi': 'answered' }).end('{"testapi":"ok"}');
      });
    });
    await new Promise<void>((listening) => upstream.listen(0, '127.0.0.1', listening));
    const key = await generateSigningKey('ES256');
    service = await startServiceUnderTest('exchange', ExchangeModule, {
      env: {
        LATCHKEY_EXCHANGE_URL: EXCHANGE_URL,
        LATCHKEY_EXCHANGE_SIGNING_KEY: JSON.stringify(key.privateJwk),
        LATCHKEY_EXCHANGE_OPERATOR_KEY: OPERATOR_KEY,
        LATCHKEY_EXCHANGE_ENTRA_AUDIENCES: AUDIENCE,
        LATCHKEY_EXCHANGE_ENTRA_TENANTS: JSON.stringify(idp.trustedTenants([TENANT])),
        LATCHKEY_EXCHANGE_UPSTREAMS: JSON.stringify({
          testapi: { url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/testapi`, audience: TESTAPI_AUDIENCE },
        }),
      },
    });
    jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
    const created = await service.handle.app.inject({
      method: 'POST',
      url: '/admin/v1/oauth-applications',
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
      payload: { clientId: APP_ID, displayName: 'Test API caller', scopes: { 'testapi.read': ['testapi:read'], 'testapi.write': ['testapi:write'] } },
    });
    expect(created.statusCode).toBe(201);
    clientSecret = created.json<{ clientSecret: string }>().clientSecret;
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await idp?.stop();
    upstream?.closeAllConnections();
    await new Promise((closed) => upstream?.close(closed));
  });

  const userToken = (overrides: Partial<Parameters<EntraTestProvider['accessToken']>[0]> = {}) =>
    idp.accessToken({ tenant: TENANT, version: '2.0', oid: randomUUID(), appId: APP_ID, scopes: ['user_impersonation'], name: 'Ada', ...overrides });

  const tokenRequest = (subjectToken: string, fields: Record<string, string> = {}, secret = clientSecret) =>
    service.handle.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(APP_ID)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      },
      payload: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE,
        subject_token: subjectToken,
        subject_token_type: ACCESS_TOKEN,
        scope: 'testapi.read',
        ...fields,
      }).toString(),
    });

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
    ['a token of an untrusted tenant', async () => tokenRequest(await userToken({ tenant: OTHER_TENANT })), 401, 'invalid_request'],
    [
      'a Microsoft Graph token',
      async () => tokenRequest(await userToken({ audience: GRAPH_APP_ID, extraHeader: { nonce: 'graph' } })),
      401,
      'invalid_request',
    ],
    ['an ID token', async () => tokenRequest(await idp.idToken({ tenant: TENANT, version: '2.0', oid: randomUUID() })), 401, 'invalid_request'],
    [
      'an app-only token (the application denies them)',
      async () => tokenRequest(await userToken({ appOnly: true, scopes: [], roles: ['Read.All'] })),
      403,
      'invalid_request',
    ],
  ])('refuses %s in the RFC 6749 shape', async (_what, send, status, error) => {
    const answer = await send();
    expect({ status: answer.statusCode, error: answer.json<{ error: string }>().error }).toEqual({ status, error });
    expect(answer.json()).toEqual({ error, error_description: expect.any(String) });
    expect(answer.headers['cache-control']).toBe('no-store');
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
        return answer.statusCode === 403 ? answer : false;
      },
      { timeoutMs: 20_000, what: 'the revoked person refused' },
    );
    expect(after.json()).toMatchObject({ error: 'invalid_request' });
  });
});
