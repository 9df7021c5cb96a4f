import { once } from 'node:events';
import { connect } from 'node:net';
import type { OpenAPIObject } from '@nestjs/swagger';
import { demoState, startDemo, type MemoryLog } from '../../test/demo-app';
import { BAD_URL_MESSAGE, createServiceApp, type ServiceHandle } from './create-service-app';
import { ReadinessRegistry } from './health/readiness.registry';
import { ShutdownDeadlineError } from './deadline';

describe(createServiceApp.name, () => {
  let handle: ServiceHandle;
  let log: MemoryLog;

  beforeAll(async () => {
    ({ handle, log } = await startDemo());
  });
  afterAll(() => handle.close());
  beforeEach(() => {
    demoState.dependencyUp = false;
  });

  it('listens on the requested host and reports the actual port in its url', async () => {
    expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${handle.url}/demo/ok`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers /healthz with 200 while the process runs, even when not ready', async () => {
    const response = await handle.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 503 naming the failing check, then 200 once it passes', async () => {
    const down = await handle.app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'error', error: { 'demo-dependency': { status: 'down', reason: 'failed' } } });
    expect(down.body).not.toContain('ECONNREFUSED');

    demoState.dependencyUp = true;
    const up = await handle.app.inject({ method: 'GET', url: '/readyz' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ status: 'ok', info: { 'demo-dependency': { status: 'up' } } });
  });

  it('reports a check that outlives its timeout as down', async () => {
    const unregister = handle.readiness.register('slow', () => new Promise<void>((resolve) => setTimeout(resolve, 1_000)));
    demoState.dependencyUp = true;
    try {
      const response = await handle.app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: { slow: { status: 'down', reason: 'timeout' } } });
    } finally {
      unregister();
    }
  });

  it('exposes the readiness registry of the app', () => {
    expect(handle.readiness).toBe(handle.app.get(ReadinessRegistry));
  });

  it('refuses a URL it cannot decode in the platform shape, without repeating the URL', async () => {
    const azure = await handle.app.inject({ method: 'POST', url: '/demo/%FF' });
    expect(azure.statusCode).toBe(400);
    expect(azure.headers['x-ms-error-code']).toBe('BadArgument');
    expect(azure.json()).toEqual({ error: { code: 'BadArgument', message: BAD_URL_MESSAGE } });
    const oauth = await handle.app.inject({ method: 'POST', url: '/oauth2/%FF' });
    expect(oauth.statusCode).toBe(400);
    expect(oauth.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    expect(azure.body + oauth.body).not.toContain('%FF');
  });

  it('sends no x-powered-by header', async () => {
    const response = await handle.app.inject({ method: 'GET', url: '/demo/ok' });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('serves the OpenAPI document titled after the service, without the health routes', async () => {
    const response = await handle.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<OpenAPIObject>();
    expect(document.info.title).toBe('Latchkey demo');
    expect(Object.keys(document.paths)).toContain('/demo/ok');
    expect(Object.keys(document.paths)).not.toContain('/healthz');
    expect(Object.keys(document.paths)).not.toContain('/readyz');
  });

  it('serves Swagger UI from local assets at /docs', async () => {
    const page = await handle.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<title>Latchkey demo</title>');
    const bundle = await handle.app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toContain('javascript');
  });

  it('logs requests as JSON with the service name and credentials redacted', async () => {
    await handle.app.inject({
      method: 'GET',
      url: '/demo/ok?subscription-key=qs-key-123&view=full',
      headers: {
        authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.secret-jwt',
        limitedaccesstoken: 'Bearer eyJ.lat-secret',
        'ocp-apim-subscription-key': 'apim-key-456',
        cookie: 'session=cookie-secret',
      },
    });
    const line = log.lines.find((entry) => entry['msg'] === 'request completed' && JSON.stringify(entry).includes('view'));
    expect(line).toMatchObject({ name: 'demo', level: 'info', req: { query: { 'subscription-key': '[Redacted]', view: 'full' } } });
    expect(line?.['req']).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(line).toMatchObject({
      req: {
        headers: {
          authorization: '[Redacted]',
          limitedaccesstoken: '[Redacted]',
          'ocp-apim-subscription-key': '[Redacted]',
          cookie: '[Redacted]',
        },
      },
    });
    for (const secret of ['secret-jwt', 'lat-secret', 'apim-key-456', 'cookie-secret', 'qs-key-123']) {
      expect(log.text).not.toContain(secret);
    }
  });

  it('names the request id of its log line in every answer, refusals included (x-request-id)', async () => {
    const answers = [await handle.app.inject({ method: 'GET', url: '/demo/ok' }), await handle.app.inject({ method: 'GET', url: '/no/such/route' })];
    for (const answer of answers) {
      const id = answer.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const line = log.lines.find((entry) => entry['msg'] === 'request completed' && (entry['req'] as { id?: string } | undefined)?.id === id);
      expect(line).toBeDefined();
    }
    expect(answers[0]?.headers['x-request-id']).not.toBe(answers[1]?.headers['x-request-id']);
  });

  it('tells browsers never to sniff an answer into another type, refusals included (nosniff)', async () => {
    for (const url of ['/demo/ok', '/no/such/route', '/demo/crash']) {
      expect((await handle.app.inject({ method: 'GET', url })).headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('does not log probe requests', async () => {
    const before = log.lines.length;
    await handle.app.inject({ method: 'GET', url: '/healthz' });
    expect(log.lines.slice(before).filter((entry) => entry['msg'] === 'request completed')).toEqual([]);
  });
});

describe('ServiceHandle.close', () => {
  afterEach(() => {
    demoState.shutdownDelayMs = 0;
  });

  it('reports not ready once closing starts and closes the server', async () => {
    demoState.dependencyUp = true;
    const { handle } = await startDemo();
    await handle.close();
    expect(handle.readiness.isShuttingDown).toBe(true);
    await expect(fetch(`${handle.url}/healthz`)).rejects.toThrow();
  });

  it('does not wait out the keep-alive timeout of a connection whose request was in flight when closing started', async () => {
    // Node's server.close() closes the connections idle at that moment only; one that finishes its request
    // later would stay open for Fastify's 72 s keep-alive timeout and hold the shutdown past its deadline.
    const { handle } = await startDemo({ shutdownTimeoutMs: 5_000 });
    const answered = fetch(`${handle.url}/demo/slow?ms=300`).then((response) => response.json());
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(handle.close()).resolves.toBeUndefined();
    await expect(answered).resolves.toEqual({ ok: true });
  });

  it('closes a connection that never sent a request instead of waiting for it until the deadline', async () => {
    // Node 20's closeIdleConnections() skips such a connection (nodejs/node#63452): a browser's preconnect, or the
    // spare connection undici opens after an aborted fetch, held every shutdown until its deadline.
    const { handle } = await startDemo({ shutdownTimeoutMs: 5_000 });
    const { port } = new URL(handle.url);
    const silent = connect(Number(port), '127.0.0.1');
    silent.on('error', () => undefined);
    await once(silent, 'connect');
    const closedByServer = once(silent, 'close');

    try {
      const started = Date.now();
      await expect(handle.close()).resolves.toBeUndefined();

      expect(Date.now() - started).toBeLessThan(2_000);
      await closedByServer;
    } finally {
      silent.destroy();
    }
  }, 10_000);

  it('rejects with ShutdownDeadlineError when shutdown hooks overrun the deadline', async () => {
    demoState.shutdownDelayMs = 400;
    const { handle } = await startDemo({ shutdownTimeoutMs: 50 });
    const started = Date.now();
    await expect(handle.close()).rejects.toThrow(ShutdownDeadlineError);
    expect(Date.now() - started).toBeLessThan(350);
    await new Promise((resolve) => setTimeout(resolve, 450));
  });
});
