import type { ServiceUnderTest } from '@latchkey/service-testing';

/** The vendor's error envelope, with our inner code. */
export interface WireError {
  error: { code: string; message: string; innererror?: { code: string; message: string } };
}

/** A response as `app.inject` returns it. */
export type InjectedResponse = Awaited<ReturnType<ServiceUnderTest['handle']['app']['inject']>>;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Calls a service over HTTP (Fastify's inject): JSON in, with exactly the headers given. */
export function httpClient(service: () => ServiceUnderTest) {
  return async function call(
    method: Method,
    url: string,
    options: { body?: unknown; rawBody?: string; headers?: Readonly<Record<string, string>> } = {},
  ): Promise<InjectedResponse> {
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers = { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
    return service().handle.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  };
}

/**
 * Asserts a refusal as a client sees it: status, `error.code` repeated in
 * `x-ms-error-code`, the specific `innererror.code`, and nothing leaked
 * (no stack trace, none of `secrets`).
 */
export function expectRefusal(response: InjectedResponse, status: number, code: string, inner: string, secrets: readonly string[] = []): WireError {
  const body = response.json<WireError>();
  expect({ status: response.statusCode, code: body.error?.code, inner: body.error?.innererror?.code }).toEqual({ status, code, inner });
  expect(response.headers['x-ms-error-code']).toBe(code);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  for (const secret of secrets) expect(response.body).not.toContain(secret);
  expect(response.body).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
  return body;
}
