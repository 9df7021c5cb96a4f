import { startDemo } from '../../test/demo-app';
import { exchange, parseResponse } from '../../test/raw-http';
import type { ServiceHandle } from './create-service-app';
import { headerRefusal, MISSING_HOST_MESSAGE, REPEATED_CONTENT_TYPE_MESSAGE, REPEATED_HOST_MESSAGE } from './request-headers';

type RawRequest = Parameters<typeof headerRefusal>[0];
const raw = (rawHeaders: string[], version = '1.1'): RawRequest => {
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) headers[(rawHeaders[i] as string).toLowerCase()] ??= rawHeaders[i + 1] as string;
  const [major, minor] = version.split('.').map(Number);
  return { rawHeaders, headers, httpVersionMajor: major as number, httpVersionMinor: minor as number };
};

describe(headerRefusal.name, () => {
  it('lets a request with one Host and one Content-Type through', () => {
    expect(headerRefusal(raw(['Host', 'a', 'Content-Type', 'application/json', 'Content-Length', '2']))).toBeUndefined();
  });

  it('refuses a repeated Content-Type, whatever the case of its name', () => {
    expect(headerRefusal(raw(['Host', 'a', 'Content-Type', 'application/json', 'content-TYPE', 'text/plain']))).toBe(REPEATED_CONTENT_TYPE_MESSAGE);
    expect(headerRefusal(raw(['Host', 'a', 'content-type', 'application/json', 'content-type', 'application/json']))).toBe(
      REPEATED_CONTENT_TYPE_MESSAGE,
    );
  });

  it('refuses a repeated Host, and an HTTP/1.1 request without one', () => {
    expect(headerRefusal(raw(['Host', 'a', 'host', 'b']))).toBe(REPEATED_HOST_MESSAGE);
    expect(headerRefusal(raw(['Accept', '*/*']))).toBe(MISSING_HOST_MESSAGE);
  });

  it('lets an HTTP/1.0 request without Host through, and an empty Host (RFC 9112 §3.2), as Node does', () => {
    expect(headerRefusal(raw(['Accept', '*/*'], '1.0'))).toBeUndefined();
    expect(headerRefusal(raw(['Host', '']))).toBeUndefined();
  });
});

describe('request header checks on the wire', () => {
  let handle: ServiceHandle;

  beforeAll(async () => {
    ({ handle } = await startDemo());
  });
  afterAll(() => handle.close());

  const post = (path: string, contentTypes: readonly string[]) =>
    [
      `POST ${path} HTTP/1.1`,
      'Host: localhost',
      'Connection: close',
      ...contentTypes.map((type, i) => `${i % 2 === 0 ? 'Content-Type' : 'content-type'}: ${type}`),
      'Content-Length: 9',
      '',
      '{"a":"b"}',
    ].join('\r\n');

  it('refuses a request that repeats Content-Type with 400 BadArgument, repeating neither value', async () => {
    const response = parseResponse(await exchange(handle.url, post('/demo/echo', ['application/json', 'application/x-www-form-urlencoded'])));
    expect(response.status).toBe(400);
    expect(response.headers).toMatchObject({ 'x-ms-error-code': 'BadArgument', 'x-request-id': expect.any(String) });
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'BadArgument', message: REPEATED_CONTENT_TYPE_MESSAGE } });
    expect(response.body).not.toContain('urlencoded');
  });

  it('refuses it in the OAuth family on an OAuth route', async () => {
    const response = parseResponse(await exchange(handle.url, post('/token', ['application/json', 'application/json'])));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: 'invalid_request', error_description: REPEATED_CONTENT_TYPE_MESSAGE });
  });

  it('serves the same request with one Content-Type', async () => {
    const response = parseResponse(await exchange(handle.url, post('/demo/echo', ['application/json'])));
    expect(response).toMatchObject({ status: 201, body: '{"a":"b"}' });
  });

  it('refuses a request that repeats Host with 400 BadArgument', async () => {
    const text = await exchange(handle.url, 'GET /demo/ok HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
    const response = parseResponse(text);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'BadArgument', message: REPEATED_HOST_MESSAGE } });
    expect(text).not.toContain('evil.example');
  });

  it('answers an HTTP/1.1 request without Host with 400 in the platform shape and closes the connection', async () => {
    // No Connection: close sent: the server closes it, as Node's own refusal did.
    const response = parseResponse(await exchange(handle.url, 'GET /demo/ok HTTP/1.1\r\n\r\n'));
    expect(response.status).toBe(400);
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-ms-error-code': 'BadArgument',
      connection: 'close',
      'x-request-id': expect.any(String),
    });
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'BadArgument', message: MISSING_HOST_MESSAGE } });
  });

  it('serves an HTTP/1.0 request without Host', async () => {
    const response = parseResponse(await exchange(handle.url, 'GET /demo/ok HTTP/1.0\r\n\r\n'));
    expect(response).toMatchObject({ status: 200, body: '{"ok":true}' });
  });
});
