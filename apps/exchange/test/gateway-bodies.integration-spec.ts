import { randomUUID } from 'node:crypto';
import type { EntraTestProvider } from '@latchkey/exchange/testing';
import type { ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';
import { ExchangeWithUpstream, type UpstreamCall } from './support/exchange-with-upstream';

const AUDIENCE = 'api://latchkey';
const TENANT = '6b1f0c2e-8d3a-4f5b-9c7e-1a2b3c4d5e6f';
const APP_ID = 'c4d5e6f7-0000-4000-8000-00000000b771';

/**
 * What the gateway does with a caller's body, through its HTTP surface on real PostgreSQL and Kafka with a real
 * OIDC provider: every body it takes reaches the upstream byte for byte under its content type, and every other is
 * refused with the platform's 415 before anything is forwarded.
 */
describeWithInfrastructure('exchange gateway: request bodies (real OIDC provider, PostgreSQL, Kafka)', () => {
  let exchange: ExchangeWithUpstream;
  let idp: EntraTestProvider;
  let service: ServiceUnderTest;
  let upstreamCalls: UpstreamCall[];

  beforeAll(async () => {
    exchange = await ExchangeWithUpstream.start({
      exchangeUrl: 'https://exchange.bodies.test',
      entraAudience: AUDIENCE,
      tenants: [TENANT],
      upstreams: { testapi: { path: '/testapi', audience: 'api://latchkey-testapi', scopes: ['testapi.write'] } },
      // Echoes the bytes it received, so that the answer shows them coming back unchanged too.
      upstreamAnswer: (call) => ({ status: 207, headers: { 'content-type': 'application/octet-stream' }, body: call.rawBody }),
      application: { clientId: APP_ID, displayName: 'Body sender', scopes: { 'testapi.write': ['testapi:write'] } },
    });
    ({ idp, service, upstreamCalls } = exchange);
  }, 120_000);

  afterAll(async () => {
    await exchange?.stop();
  });

  beforeEach(() => {
    upstreamCalls.length = 0;
  });

  /** What the byte-for-byte assertions look at: each forwarded call's content type and exact bytes. */
  const forwarded = () => upstreamCalls.map((call) => ({ contentType: call.headers['content-type'], body: call.rawBody }));

  const gateway = async (contentType: string | undefined, payload: Buffer | string | undefined, method: 'GET' | 'POST' = 'POST') =>
    service.handle.app.inject({
      method,
      url: '/api/services/v1/testapi/items',
      headers: {
        authorization: `Bearer ${await idp.accessToken({ tenant: TENANT, version: '2.0', oid: randomUUID(), appId: APP_ID, scopes: ['user_impersonation'] })}`,
        scope: 'testapi.write',
        client_id: APP_ID,
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
      },
      ...(payload === undefined ? {} : { payload }),
    });

  it.each([
    ['plain text', 'text/plain; charset=utf-8', Buffer.from('héllo, upstream\n')],
    ['plain text in a charset the platform does not decode', 'text/plain; charset=iso-8859-1', Buffer.from('café', 'latin1')],
    ['JSON, spacing and a byte order mark kept', 'application/json', Buffer.from('\uFEFF{ "name" : "café",\n  "n": 1 }')],
    ['a form', 'application/x-www-form-urlencoded; charset=UTF-8', Buffer.from('name=caf%C3%A9&role=admin')],
  ])('forwards %s byte for byte under its content type, and brings the answer back unchanged', async (_what, contentType, body) => {
    const answer = await gateway(contentType, body);

    expect(answer.statusCode).toBe(207);
    expect(forwarded()).toEqual([{ contentType, body }]);
    expect(answer.rawPayload.equals(body)).toBe(true);
  });

  it.each([
    ['JSON labelled UTF-16', 'application/json; charset=utf-16', Buffer.from('{"a":1}', 'utf16le')],
    ['JSON labelled iso-8859-1', 'application/json; charset="ISO-8859-1"', Buffer.from('{"a":"café"}', 'latin1')],
    ['a form labelled iso-8859-1', 'application/x-www-form-urlencoded; charset=iso-8859-1', Buffer.from('name=caf%E9')],
    ['a media type the platform does not read', 'application/octet-stream', Buffer.from([0, 1, 2, 255])],
  ])('refuses %s with the platform’s 415 and forwards nothing', async (_what, contentType, body) => {
    const answer = await gateway(contentType, body);

    expect({ status: answer.statusCode, body: answer.json<unknown>() }).toEqual({
      status: 415,
      body: { error: { code: 'BadArgument', message: 'Invalid Media Type.' } },
    });
    expect(upstreamCalls).toEqual([]);
  });

  it('refuses a GET with a body 400, which it would not forward, and forwards a GET without one', async () => {
    const withBody = await gateway('text/plain', 'a body on a GET', 'GET');

    expect({ status: withBody.statusCode, body: withBody.json<unknown>() }).toEqual({
      status: 400,
      body: { error: { code: 'BadArgument', message: 'The gateway forwards no body on a GET; send it with POST.' } },
    });
    expect(upstreamCalls).toEqual([]);
    expect((await gateway(undefined, undefined, 'GET')).statusCode).toBe(207);
    expect(forwarded()).toEqual([{ contentType: undefined, body: Buffer.alloc(0) }]);
  });

  it('refuses a form labelled with another charset than UTF-8 at /oauth2/token in RFC 6749’s shape (415)', async () => {
    const answer = await service.handle.app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=windows-1252' },
      payload: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&scope=testapi.write',
    });

    expect({ status: answer.statusCode, body: answer.json<unknown>() }).toEqual({
      status: 415,
      body: { error: 'invalid_request', error_description: 'Invalid Media Type.' },
    });
  });
});
