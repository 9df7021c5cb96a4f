import type { CliIo } from '../lib/cli-io';
import { runCli } from '../program';

/** One recorded request. */
export interface Seen {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

type Route = (request: Seen) => Response | Promise<Response>;

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * A fake platform for unit specs: routes by `METHOD /path`, records every
 * request, and runs the CLI against it with captured stdout and stderr.
 */
export class FakePlatform {
  readonly seen: Seen[] = [];
  private readonly routes = new Map<string, Route>();

  on(method: string, path: string, route: Route): this {
    this.routes.set(`${method} ${path}`, route);
    return this;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    const request: Seen = { method: init?.method ?? 'GET', url, headers, body: init?.body === undefined ? undefined : JSON.parse(String(init.body)) };
    this.seen.push(request);
    if (url.hostname === 'down.invalid') throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const route = this.routes.get(`${request.method} ${url.pathname}`);
    return route ? route(request) : json(404, { error: { code: 'NotFound', message: 'no such route', innererror: { code: 'RouteNotFound' } } });
  };

  async run(
    argv: string[],
    env: Record<string, string> = {},
    interrupt = new AbortController().signal,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      progressStream: undefined,
      env: { LATCHKEY_DATA_DIR: '/nonexistent-latchkey-data', ...env },
      cwd: '/',
      fetch: this.fetch,
      interrupt,
    };
    const code = await runCli(argv, io);
    return { code, stdout, stderr };
  }
}

/** Every service at its own fake host, and an operator token, as a script would pass them. */
export const PLATFORM_ENV: Record<string, string> = {
  LATCHKEY_ISSUER_URL: 'http://issuer.test',
  LATCHKEY_AUDIT_URL: 'http://audit.test',
  LATCHKEY_ABUSE_DETECTOR_URL: 'http://abuse.test',
  LATCHKEY_OPERATOR_TOKEN: 'operator-token-secret-value',
};
