import type { IncomingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and those the platform sets itself: never forwarded either way. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/** The caller's credentials and exchange parameters: consumed here, never passed upstream. */
const CONSUMED = new Set(['authorization', 'scope', 'client_id', 'cookie']);

/** What the upstream answered, to be sent back unchanged (but for hop-by-hop headers). */
export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/** One forwarded call. */
export interface ForwardedCall {
  readonly target: URL;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** The exact bytes the caller sent (form-urlencoded in the seed's example), if any. */
  readonly body: Buffer | undefined;
  /** The internal access token the upstream receives as `Authorization: Bearer`. A credential: never log it. */
  readonly internalToken: string;
  readonly timeoutMs: number;
}

/**
 * Forwards a gateway call to its upstream API with the internal token in
 * place of the caller's credentials, and reads the answer whole. Written
 * here rather than with @fastify/reply-from: that plugin must be registered
 * on the Fastify instance before Nest's routes, which the platform's app
 * factory does not expose, and the rules that matter (which headers go,
 * the token swap, no redirects followed) fit in this file. Headers listed
 * in the caller's `Connection` header are hop-by-hop too.
 */
export async function forwardToUpstream(call: ForwardedCall): Promise<UpstreamAnswer> {
  const named = new Set(
    String(call.headers['connection'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const headers = new Headers();
  for (const [name, value] of Object.entries(call.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || CONSUMED.has(name) || named.has(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  headers.set('authorization', `Bearer ${call.internalToken}`);
  const withBody = call.method !== 'GET' && call.method !== 'HEAD' && call.body !== undefined;
  const response = await fetch(call.target, {
    method: call.method,
    headers,
    body: withBody ? new Uint8Array(call.body) : undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(call.timeoutMs),
  });
  const answerHeaders: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== 'set-cookie') answerHeaders.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) answerHeaders.push(['set-cookie', cookie]);
  return { status: response.status, headers: answerHeaders, body: Buffer.from(await response.arrayBuffer()) };
}
