import { startDemo, type MemoryLog } from '../../../test/demo-app';
import type { ServiceHandle } from '../create-service-app';
import { LatchkeyExceptionFilter } from './latchkey-exception.filter';

describe(LatchkeyExceptionFilter.name, () => {
  let handle: ServiceHandle;
  let log: MemoryLog;

  beforeAll(async () => {
    ({ handle, log } = await startDemo({ bodyLimitBytes: 1024 }));
  });
  afterAll(() => handle.close());

  const get = (url: string) => handle.app.inject({ method: 'GET', url });
  const post = (url: string, payload: string, contentType = 'application/json') =>
    handle.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

  describe('Azure-style routes', () => {
    it('answers a mapped service code with its status and Azure code, and the error message', async () => {
      const response = await get('/demo/not-granted');
      expect(response.statusCode).toBe(403);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.json()).toEqual({ error: { code: 'Forbidden', message: 'Feature "identify" is not granted to this ISV.' } });
      expect(response.headers['x-ms-error-code']).toBe('Forbidden');
    });

    it('puts the error message in innererror when the mapping names an inner code', async () => {
      const response = await get('/demo/token-rejected');
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        error: {
          code: 'Unauthorized',
          message: 'Access denied due to an invalid token.',
          innererror: { code: 'InvalidLimitedAccessToken', message: 'The token has expired.' },
        },
      });
    });

    it('answers an unknown route with 404 NotFound without echoing the path', async () => {
      const response = await get('/no/such/route-xyz');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'NotFound', message: 'Resource not found.' } });
      expect(response.body).not.toContain('route-xyz');
    });

    it('answers a wrong method on a path that exists with 405 and Allow, not 404', async () => {
      const response = await handle.app.inject({ method: 'PUT', url: '/demo/echo?x=1' });
      expect(response.statusCode).toBe(405);
      expect(response.headers['allow']).toBe('POST');
      expect(response.json()).toEqual({ error: { code: 'MethodNotAllowed', message: 'The method is not allowed for this resource.' } });
      expect(response.headers['x-ms-error-code']).toBe('MethodNotAllowed');
      expect((await handle.app.inject({ method: 'DELETE', url: '/demo/ok' })).headers['allow']).toBe('GET, HEAD');
    });

    it('answers malformed JSON with 400 BadArgument "JSON parsing error."', async () => {
      const response = await post('/demo/echo', '{"expiredTime": ');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'JSON parsing error.' } });
      expect(response.headers['x-ms-error-code']).toBe('BadArgument');
    });

    it('takes an empty DELETE body under a JSON content type as no body, not as malformed JSON', async () => {
      const remove = (payload: string) =>
        handle.app.inject({ method: 'DELETE', url: '/demo/item', payload, headers: { 'content-type': 'application/json' } });
      expect((await remove('')).statusCode).toBe(204);
      expect((await remove('{')).json()).toEqual({ error: { code: 'BadArgument', message: 'JSON parsing error.' } });
    });

    it('refuses a JSON body whose object repeats a key with 400 BadArgument naming the key', async () => {
      const response = await post('/demo/echo', '{"featureFlags":["Face.Verification"],"featureFlags":["LimitedAccess.HighRisk"]}');
      expect(response.statusCode).toBe(400);
      expect(response.headers['x-ms-error-code']).toBe('BadArgument');
      expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'The JSON body repeats the key "featureFlags".' } });
    });

    it('refuses a key repeated deep in the body, or spelled with escapes', async () => {
      for (const payload of ['{"a":[{"b":{"c":1,"c":2}}]}', '{"c":1,"\\u0063":2}']) {
        const response = await post('/demo/echo', payload);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'The JSON body repeats the key "c".' } });
      }
    });

    it('does not repeat a key that is not a plain field name', async () => {
      for (const key of ['\\u0000\\u202e', 'x'.repeat(65), '<script>']) {
        const response = await post('/demo/echo', `{"${key}":1,"${key}":2}`);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'The JSON body repeats a key in an object.' } });
      }
    });

    it('answers an empty JSON body with 400 BadArgument', async () => {
      const response = await post('/demo/echo', '');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'JSON parsing error.' } });
    });

    it('answers a body over the limit with 413', async () => {
      const response = await post('/demo/echo', JSON.stringify({ padding: 'x'.repeat(2048) }));
      expect(response.statusCode).toBe(413);
      expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'The request body is too large.' } });
    });

    it('answers an unsupported content type with 415', async () => {
      const response = await post('/demo/echo', '<xml/>', 'application/xml');
      expect(response.statusCode).toBe(415);
      expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'Invalid Media Type.' } });
    });

    it('keeps the message of a LatchkeyError raised with a generic code', async () => {
      const response = await get('/demo/bad-argument');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: { code: 'BadArgument', message: 'expiredTime must be between 60 and 86400.' } });
    });

    it('maps a Nest HttpException (a guard refusing) by status with the generic message', async () => {
      const response = await get('/demo/guarded');
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        error: { code: 'Forbidden', message: 'The caller is not allowed to perform this operation.' },
      });
    });

    it('answers an unexpected error with a generic 500 and logs it server-side', async () => {
      const response = await get('/demo/crash');
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: { code: 'InternalServerError', message: 'An internal error occurred.' } });
      for (const leak of ['hunter2', 'secret-module', '/srv/', 'at ', 'stack']) expect(response.body).not.toContain(leak);
      const logged = log.lines.find((line) => line['msg'] === 'request failed');
      expect(logged).toMatchObject({ level: 'error', name: 'demo', err: { message: expect.stringContaining('hunter2') } });
    });

    it('answers a database out of reach with 503 ServiceUnavailable and Retry-After, naming no host or query', async () => {
      const response = await get('/demo/database-away');
      expect([response.statusCode, response.headers['retry-after'], response.headers['x-ms-error-code']]).toEqual([503, '5', 'ServiceUnavailable']);
      expect(response.json()).toEqual({ error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable. Try again later.' } });
      for (const leak of ['10.0.0.5', 'select', 'ECONNREFUSED']) expect(response.body).not.toContain(leak);
    });

    it('answers a LatchkeyError whose code nobody mapped with 500 and logs the code', async () => {
      const response = await get('/demo/unmapped');
      expect(response.statusCode).toBe(500);
      expect(response.body).not.toContain('internal detail');
      expect(log.lines.find((line) => line['code'] === 'DEMO.NOBODY_MAPPED_THIS')).toMatchObject({ level: 'error' });
    });
  });

  describe('OAuth routes', () => {
    it('answers in RFC 6749 form on a controller marked @WireFormat("oauth"), uncacheable', async () => {
      const response = await get('/token/not-granted');
      // The mapping says 403 (for the Azure shape); RFC 6749 §5.2 answers invalid_scope 400.
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_scope' });
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['pragma']).toBe('no-cache');
    });

    it('replaces characters RFC 6749 forbids in error_description', async () => {
      const response = await get('/token/not-granted');
      expect(response.json<{ error_description: string }>().error_description).toBe("Scope 'admin' is not allowed.");
    });

    it('lets a handler override its controller with @WireFormat("azure")', async () => {
      const response = await get('/token/azure-override');
      expect(response.json()).toEqual({ error: { code: 'Forbidden', message: 'Not granted.' } });
    });

    it('answers malformed JSON on an OAuth route with invalid_request', async () => {
      for (const url of ['/token', '/demo/oauth-style']) {
        const response = await post(url, '{oops');
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ error: 'invalid_request', error_description: 'JSON parsing error.' });
      }
    });

    it('refuses a JSON body that repeats a key on an OAuth route with invalid_request', async () => {
      const response = await post('/demo/oauth-style', '{"scope":"a","scope":"b"}');
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'invalid_request', error_description: "The JSON body repeats the key 'scope'." });
    });

    it('answers a database out of reach with temporarily_unavailable (503) and Retry-After', async () => {
      const response = await get('/oauth2/database-away');
      expect([response.statusCode, response.headers['retry-after']]).toEqual([503, '5']);
      expect(response.json()).toMatchObject({ error: 'temporarily_unavailable' });
    });

    it('uses the OAuth family for any route under /oauth2/, known or not', async () => {
      const crash = await get('/oauth2/crash');
      expect(crash.statusCode).toBe(500);
      expect(crash.json()).toEqual({ error: 'server_error', error_description: 'An internal error occurred.' });
      const missing = await get('/oauth2/nowhere');
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: 'invalid_request', error_description: 'Resource not found.' });
    });
  });
});

describe('request bodies', () => {
  let handle: ServiceHandle;
  beforeAll(async () => {
    ({ handle } = await startDemo());
  });
  afterAll(() => handle.close());

  it('parses form bodies for OAuth endpoints', async () => {
    const response = await handle.app.inject({
      method: 'POST',
      url: '/token',
      payload: 'grant_type=client_credentials&scope=a+b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ grant_type: 'client_credentials', scope: 'a b' });
  });

  it('passes a JSON body whose keys are distinct on to the handler', async () => {
    const payload = { resourceId: 'r-1', featureFlags: ['Face.Verification'], nested: [{ a: 1 }, { a: 2 }] };
    const response = await handle.app.inject({ method: 'POST', url: '/demo/echo', payload, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual(payload);
  });

  it('rejects a JSON body that tries to poison prototypes', async () => {
    const response = await handle.app.inject({
      method: 'POST',
      url: '/demo/echo',
      payload: '{"__proto__": {"admin": true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
  });
});
