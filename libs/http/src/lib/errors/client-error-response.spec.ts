import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { startDemo } from '../../../test/demo-app';
import { exchange, parseResponse } from '../../../test/raw-http';
import type { ServiceHandle } from '../create-service-app';
import { answerClientError, clientErrorResponse } from './client-error-response';

describe(answerClientError.name, () => {
  let handle: ServiceHandle;

  beforeAll(async () => {
    ({ handle } = await startDemo());
  });
  afterAll(() => handle.close());

  it('answers headers over the limit with 431 in the platform shape, repeating none of them', async () => {
    const secret = `big-${'s'.repeat(20 * 1024)}`;
    const text = await exchange(handle.url, `GET /demo/ok HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${secret}\r\n\r\n`);
    const response = parseResponse(text);
    expect(response.status).toBe(431);
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-ms-error-code': 'BadArgument',
      connection: 'close',
    });
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'BadArgument', message: 'The request line and headers are too large.' } });
    expect(text).not.toContain('big-s');
    expect(text).not.toContain('Client Error');
  });

  it('answers a URL over the limit with the same 431, repeating nothing of it', async () => {
    const text = await exchange(handle.url, `GET /demo/${'u'.repeat(20 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(parseResponse(text)).toMatchObject({ status: 431, headers: { 'x-ms-error-code': 'BadArgument' } });
    expect(text).not.toContain('uuuu');
  });

  it.each([
    ['a garbage request line', 'GARBAGE \u0000\u0001 <script>\r\n\r\n'],
    ['an unknown HTTP version', 'GET /demo/ok HTTP/9.9\r\nHost: localhost\r\n\r\n'],
    [
      'both Content-Length and chunked encoding (a smuggling attempt)',
      'POST /demo/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
  ])('answers %s with 400 BadArgument in the platform shape, repeating nothing of it', async (_, request) => {
    const text = await exchange(handle.url, request);
    const response = parseResponse(text);
    expect(response.status).toBe(400);
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-ms-error-code': 'BadArgument',
      connection: 'close',
    });
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'BadArgument', message: 'The request is not valid HTTP.' } });
    for (const echoed of ['GARBAGE', '<script>', 'HTTP/9.9', 'chunked']) expect(response.body).not.toContain(echoed);
  });

  it('still serves a well-formed request on the same server', async () => {
    const text = await exchange(handle.url, 'GET /demo/ok HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(parseResponse(text)).toMatchObject({ status: 200, body: '{"ok":true}' });
  });
});

describe(clientErrorResponse.name, () => {
  const now = new Date('2026-11-30T12:00:00Z');

  it('answers a request timeout with 408 Timeout', () => {
    const response = parseResponse(clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT', now));
    expect(response).toEqual({
      status: 408,
      headers: {
        date: 'Mon, 30 Nov 2026 12:00:00 GMT',
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(response.body.length),
        'x-ms-error-code': 'Timeout',
        connection: 'close',
      },
      body: '{"error":{"code":"Timeout","message":"The request was not received in time."}}',
    });
  });

  it('answers chunk extensions over the limit with 413, as Node does', () => {
    expect(parseResponse(clientErrorResponse('HPE_CHUNK_EXTENSIONS_OVERFLOW', now)).status).toBe(413);
  });

  it('answers an error without a code with 400', () => {
    expect(clientErrorResponse(undefined, now)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});

describe(`${answerClientError.name} on a socket`, () => {
  function fakeSocket(
    state: { writable?: boolean; destroyed?: boolean; headersSent?: boolean } = {},
  ): Socket & { written: string[]; closed: boolean } {
    const socket = {
      writable: state.writable ?? true,
      destroyed: state.destroyed ?? false,
      _httpMessage: state.headersSent === undefined ? null : ({ headersSent: state.headersSent } as ServerResponse),
      written: [] as string[],
      closed: false,
      write(data: string) {
        this.written.push(data);
        return true;
      },
      destroy() {
        this.closed = true;
      },
    };
    return socket as unknown as Socket & { written: string[]; closed: boolean };
  }
  const parseError = Object.assign(new Error('Parse Error: Invalid method encountered'), { code: 'HPE_INVALID_METHOD' });

  it('writes the answer and closes the connection', () => {
    const socket = fakeSocket();
    answerClientError(parseError, socket);
    expect(socket.written).toHaveLength(1);
    expect(socket.written[0]).toMatch(/^HTTP\/1\.1 400 /);
    expect(socket.closed).toBe(true);
  });

  it('writes nothing over a response already started, and closes the connection', () => {
    const socket = fakeSocket({ headersSent: true });
    answerClientError(parseError, socket);
    expect(socket.written).toEqual([]);
    expect(socket.closed).toBe(true);
  });

  it('answers while a response on the connection has not started', () => {
    const socket = fakeSocket({ headersSent: false });
    answerClientError(parseError, socket);
    expect(socket.written).toHaveLength(1);
  });

  it('writes nothing on a socket that cannot be written', () => {
    const socket = fakeSocket({ writable: false });
    answerClientError(parseError, socket);
    expect(socket.written).toEqual([]);
    expect(socket.closed).toBe(true);
  });

  it('does nothing when the client reset the connection or the socket is gone', () => {
    const reset = fakeSocket();
    answerClientError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), reset);
    const gone = fakeSocket({ destroyed: true });
    answerClientError(parseError, gone);
    expect([reset.written, reset.closed, gone.written, gone.closed]).toEqual([[], false, [], false]);
  });
});
