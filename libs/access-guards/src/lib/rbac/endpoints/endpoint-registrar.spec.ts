import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EndpointRegistrar } from './endpoint-registrar';

const KEY = 'k'.repeat(40);
const ENDPOINTS = [{ method: 'GET', path: '/testapi', scope: 'testapi.read', permission: 'testapi:read', public: false }];

interface Received {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/** A registry that answers `statuses` in turn (then 200). */
async function registry(statuses: number[]): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body: JSON.parse(text) });
      const status = statuses.shift() ?? 200;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ changed: true, permissionsAdded: ['testapi:read'] }));
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rbac/v1/endpoints`, received };
}

const close = (server: Server) => new Promise((closed) => server.close(closed));

describe(EndpointRegistrar.name, () => {
  const registrar = (url: string, key: { key: string | undefined } = { key: KEY }) =>
    new EndpointRegistrar({ service: 'testapi', url, ...key, endpoints: ENDPOINTS, firstRetryDelayMs: 10, maxRetryDelayMs: 40, timeoutMs: 1000 });

  it('puts the endpoint list at <registry>/<service> with the key', async () => {
    const { server, url, received } = await registry([]);
    const subject = registrar(url);
    subject.onApplicationBootstrap();

    expect(await subject.settled()).toBe(true);
    expect(received).toEqual([{ method: 'PUT', url: '/rbac/v1/endpoints/testapi', authorization: `Bearer ${KEY}`, body: ENDPOINTS }]);
    await close(server);
  });

  it('retries in the background while the registry fails or is unreachable, without holding up the start', async () => {
    const { server, url, received } = await registry([503, 502]);
    const { port } = server.address() as AddressInfo;
    await close(server);
    const subject = registrar(url);
    subject.onApplicationBootstrap(); // returns at once: the app starts while the rbac service is down

    await new Promise((later) => setTimeout(later, 50));
    server.listen(port, '127.0.0.1');
    expect(await subject.settled()).toBe(true);
    expect(received.length).toBe(3);
    await close(server);
  });

  it('does not retry a list the registry refuses (4xx)', async () => {
    const { server, url, received } = await registry([400]);
    const subject = registrar(url);
    subject.onApplicationBootstrap();

    expect(await subject.settled()).toBe(false);
    expect(received.length).toBe(1);
    await close(server);
  });

  it('registers nothing without a key, and stops retrying when the app stops', async () => {
    const withoutKey = registrar('http://127.0.0.1:9/rbac/v1/endpoints', { key: undefined });
    withoutKey.onApplicationBootstrap();
    expect(await withoutKey.settled()).toBe(false);

    const unreachable = registrar('http://127.0.0.1:9/rbac/v1/endpoints');
    unreachable.onApplicationBootstrap();
    await new Promise((later) => setTimeout(later, 30));
    unreachable.onApplicationShutdown();
    expect(await unreachable.settled()).toBe(false);
  });
});
