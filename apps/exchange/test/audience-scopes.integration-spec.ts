import { randomUUID } from 'node:crypto';
import { ADMIN_SCOPE, DEFAULT_ADMIN_AUDIENCE } from '@latchkey/contracts';
import type { EntraTestProvider } from '@latchkey/exchange/testing';
import type { ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';
import { verifyInternalAccessToken, type PublicJwks } from '@latchkey/tokens';
import { ExchangeWithUpstream, type UpstreamCall } from './support/exchange-with-upstream';

const EXCHANGE_URL = 'https://exchange.audience-scopes.test';
const ENTRA_AUDIENCE = 'api://latchkey';
const TESTAPI_AUDIENCE = 'api://latchkey-testapi';
const HR_AUDIENCE = 'api://hr';
const TENANT = '5d1e0c2b-7a44-4c8e-9d61-0a7b2c3d4e60';
const APP_ID = 'c1d2e3f4-0000-4000-8000-00000000b001';

/**
 * Scopes are bound to the audience they belong to (docs/EXCHANGE.md, "Audiences and their scopes"): an OAuth
 * application allowed the scopes of two APIs and the admin scope still gets a token for one audience with that
 * audience's scopes only. On both surfaces, on real PostgreSQL and Kafka with a real OIDC provider.
 */
describeWithInfrastructure('exchange: scopes bound to their audience (real OIDC provider, PostgreSQL, Kafka)', () => {
  let exchange: ExchangeWithUpstream;
  let idp: EntraTestProvider;
  let service: ServiceUnderTest;
  let upstreamCalls: UpstreamCall[];
  let jwks: PublicJwks;

  beforeAll(async () => {
    exchange = await ExchangeWithUpstream.start({
      exchangeUrl: EXCHANGE_URL,
      entraAudience: ENTRA_AUDIENCE,
      tenants: [TENANT],
      upstreams: {
        testapi: { path: '/testapi', audience: TESTAPI_AUDIENCE, scopes: ['testapi.read', 'testapi.write'] },
        hr: { path: '/hr', audience: HR_AUDIENCE, scopes: ['hr.read'] },
      },
      upstreamAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' },
      // One application allowed every scope of every audience: only the binding keeps them apart.
      application: {
        clientId: APP_ID,
        displayName: 'Allowed everything',
        scopes: { 'testapi.read': ['testapi:read'], 'testapi.write': ['testapi:write'], 'hr.read': ['hr:read'], [ADMIN_SCOPE]: [] },
      },
    });
    ({ idp, service, upstreamCalls, jwks } = exchange);
  }, 120_000);

  afterAll(async () => {
    await exchange?.stop();
  });

  const userToken = () =>
    idp.accessToken({ tenant: TENANT, version: '2.0', oid: randomUUID(), appId: APP_ID, scopes: ['user_impersonation'], name: 'Grace' });

  const tokenRequest = async (fields: Record<string, string>, secret?: string) =>
    exchange.tokenRequest({ subject_token: await userToken(), ...fields }, secret);

  const gateway = async (api: string, scope: string) =>
    service.handle.app.inject({
      method: 'GET',
      url: `/api/services/v1/${api}/items`,
      headers: { authorization: `Bearer ${await userToken()}`, scope, client_id: APP_ID },
    });

  const outboxCount = async (topic: string, reason?: string): Promise<number> => {
    const [row] = await service.database.query<{ n: string }>(
      "SELECT count(*) AS n FROM exchange.outbox WHERE topic = $1 AND ($2::text IS NULL OR envelope->'data'->>'reason' = $2)",
      [topic, reason ?? null],
    );
    return Number(row?.n);
  };

  it.each([
    ['the admin APIs', { audience: DEFAULT_ADMIN_AUDIENCE, scope: ADMIN_SCOPE }, DEFAULT_ADMIN_AUDIENCE, ADMIN_SCOPE],
    ['an upstream API', { audience: TESTAPI_AUDIENCE, scope: 'testapi.read testapi.write' }, TESTAPI_AUDIENCE, 'testapi.read testapi.write'],
    ['another upstream API, named as a resource', { resource: HR_AUDIENCE, scope: 'hr.read' }, HR_AUDIENCE, 'hr.read'],
  ])('mints a token for %s with that audience’s own scopes at /oauth2/token', async (_what, fields, audience, scope) => {
    const answer = await tokenRequest(fields);
    expect(answer.statusCode).toBe(200);
    const { claims } = await verifyInternalAccessToken(answer.json<{ access_token: string }>().access_token, {
      jwks,
      issuer: EXCHANGE_URL,
      audience,
    });
    expect({ aud: claims.aud, scope: claims.scope }).toEqual({ aud: audience, scope });
  });

  it.each([
    ['an upstream API’s scope for the admin audience', { audience: DEFAULT_ADMIN_AUDIENCE, scope: 'testapi.read' }],
    [
      'the admin scope with an upstream API’s scope for the admin audience',
      { audience: DEFAULT_ADMIN_AUDIENCE, scope: `${ADMIN_SCOPE} testapi.write` },
    ],
    ['the admin scope for an upstream API', { audience: TESTAPI_AUDIENCE, scope: `testapi.read ${ADMIN_SCOPE}` }],
    ['another upstream API’s scope', { audience: TESTAPI_AUDIENCE, scope: 'testapi.read hr.read' }],
    ['another upstream API’s scope, the API named as a resource', { resource: HR_AUDIENCE, scope: 'hr.read testapi.read' }],
  ])('refuses %s with invalid_target, records the refusal and mints nothing', async (_what, fields) => {
    const [completed, denied] = [await outboxCount('exchange.completed'), await outboxCount('exchange.denied', 'EXCHANGE.TARGET_INVALID')];
    const answer = await tokenRequest(fields);

    expect({ status: answer.statusCode, body: answer.json() }).toEqual({
      status: 400,
      body: { error: 'invalid_target', error_description: expect.stringMatching(/scope does not belong to this audience/) },
    });
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(await outboxCount('exchange.completed')).toBe(completed);
    expect(await outboxCount('exchange.denied', 'EXCHANGE.TARGET_INVALID')).toBe(denied + 1);
  });

  it('authenticates the client before it judges the scopes', async () => {
    const answer = await tokenRequest({ audience: DEFAULT_ADMIN_AUDIENCE, scope: 'testapi.read' }, 'not-the-secret');
    expect({ status: answer.statusCode, error: answer.json<{ error: string }>().error }).toEqual({ status: 401, error: 'invalid_client' });
  });

  it('forwards a gateway call whose scopes are all its API’s', async () => {
    upstreamCalls.length = 0;
    expect((await gateway('hr', 'hr.read')).statusCode).toBe(200);
    expect(upstreamCalls.map((call) => call.url)).toEqual(['/hr/items']);
  });

  it.each([
    ['the admin scope', 'testapi', `testapi.read ${ADMIN_SCOPE}`],
    ['another API’s scope', 'testapi', 'testapi.read hr.read'],
    ['only another API’s scopes', 'hr', 'testapi.read testapi.write'],
  ])('refuses a gateway call asking for %s with 400 ScopeNotForAudience, never reaching the API', async (_what, api, scope) => {
    upstreamCalls.length = 0;
    const answer = await gateway(api, scope);

    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({
      error: {
        code: 'BadArgument',
        message: expect.any(String),
        innererror: { code: 'ScopeNotForAudience', message: expect.stringMatching(/scope does not belong to this audience/) },
      },
    });
    expect(upstreamCalls).toEqual([]);
  });
});
