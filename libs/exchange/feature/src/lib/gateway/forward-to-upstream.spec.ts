import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardToUpstream } from './forward-to-upstream';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe(forwardToUpstream.name, () => {
  let server: Server;
  let base: string;
  let seen: Seen[];
  let answer: (response: import('node:http').ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        answer(response);
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen = [];
    answer = (response) => response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes' }).end('{"ok":true}');
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  });

  const call = (overrides: Partial<Parameters<typeof forwardToUpstream>[0]> = {}) =>
    forwardToUpstream({
      target: new URL(`${base}/testapi/items?x=1`),
      method: 'POST',
      headers: {
        authorization: 'Bearer entra-token',
        scope: 'testapi.read',
        client_id: 'app',
        cookie: 'session=1',
        'content-type': 'application/x-www-form-urlencoded',
        'x-request-id': 'r-1',
        connection: 'keep-alive, x-private',
        'x-private': 'hop',
        'content-length': '9',
        host: 'gateway.example',
      },
      body: Buffer.from('name=John'),
      internalToken: 'internal-token',
      timeoutMs: 2000,
      ...overrides,
    });

  it('sends the body as is, with the internal token instead of the caller’s credentials and exchange headers', async () => {
    const upstream = await call();

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/testapi/items?x=1', body: 'name=John' });
    expect(seen[0]?.headers).toMatchObject({
      authorization: 'Bearer internal-token',
      'content-type': 'application/x-www-form-urlencoded',
      'x-request-id': 'r-1',
    });
    for (const gone of ['scope', 'client_id', 'cookie', 'x-private']) expect(seen[0]?.headers).not.toHaveProperty(gone);
    expect(seen[0]?.headers['host']).toBe(new URL(base).host);
    expect(upstream.status).toBe(200);
    expect(upstream.body.toString()).toBe('{"ok":true}');
    expect(upstream.headers).toContainEqual(['x-upstream', 'yes']);
  });

  it('passes the upstream’s refusal back unchanged, cookies included, and does not follow its redirects', async () => {
    answer = (response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.writeHead(302, { location: `${base}/elsewhere` }).end('moved');
    };
    const upstream = await call({ method: 'GET', body: undefined });

    expect(seen.map((s) => s.url)).toEqual(['/testapi/items?x=1']);
    expect(upstream.status).toBe(302);
    expect(upstream.headers.filter(([name]) => name === 'set-cookie')).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
    expect(upstream.body.toString()).toBe('moved');
  });

  it('gives up after the timeout', async () => {
    answer = () => undefined;
    await expect(call({ timeoutMs: 100 })).rejects.toThrow();
  });
});
