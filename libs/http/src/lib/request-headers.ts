import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendWireError } from './errors/latchkey-exception.filter';

/** Said for a request that repeats Content-Type. */
export const REPEATED_CONTENT_TYPE_MESSAGE = 'The request repeats the Content-Type header; send it once.';
/** Said for an HTTP/1.1 request without Host (RFC 9112 §3.2). */
export const MISSING_HOST_MESSAGE = 'The request has no Host header.';
/** Said for a request that repeats Host (RFC 9112 §3.2). */
export const REPEATED_HOST_MESSAGE = 'The request repeats the Host header; send it once.';

/** Node's http server options the platform sets: Node's own missing-Host refusal is a bare 400, so the check is {@link checkRequestHeaders}'s. */
export const NODE_SERVER_OPTIONS = { requireHostHeader: false } as const;

/** How often a header name occurs in Node's raw headers (`[name, value, name, value, …]`), compared case-insensitively. */
function occurrences(rawHeaders: readonly string[], lowerCaseName: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    // The length first: most names differ in it, and then no lower-cased copy is made.
    if (name !== undefined && name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName) count += 1;
  }
  return count;
}

/**
 * What refuses a request for its headers, before any route: a repeated
 * Content-Type (Node keeps the first, a proxy or WAF keeping the last would
 * check another media type than the one we parse), and RFC 9112 §3.2's Host
 * rules: an HTTP/1.1 request without Host (what Node's `requireHostHeader`
 * answered with a bare 400, switched off for this; HTTP/1.0 needs none, as
 * in Node) or with two Host headers (Node keeps the first; a proxy may have
 * routed on the other). Every request is checked, bodiless ones included: a
 * pass over its raw header names with a length comparison each (a few
 * dozen comparisons), nothing measurable beside the parse of the request.
 * Undefined when the headers are fine.
 */
export function headerRefusal(
  raw: Pick<FastifyRequest['raw'], 'rawHeaders' | 'headers' | 'httpVersionMajor' | 'httpVersionMinor'>,
): string | undefined {
  const rawHeaders = raw.rawHeaders ?? [];
  if (occurrences(rawHeaders, 'content-type') > 1) return REPEATED_CONTENT_TYPE_MESSAGE;
  const hosts = occurrences(rawHeaders, 'host');
  if (hosts > 1) return REPEATED_HOST_MESSAGE;
  // As Node decided it: HTTP/1.1 and no Host header at all (an empty one is allowed, RFC 9112 §3.2).
  if (hosts === 0 && raw.headers.host === undefined && raw.httpVersionMajor === 1 && raw.httpVersionMinor === 1) return MISSING_HOST_MESSAGE;
  return undefined;
}

/**
 * Installs {@link headerRefusal} as an onRequest hook: 400 `HTTP.BAD_REQUEST`
 * in the route's wire family, with a fixed message (nothing of the headers is
 * repeated). A request without Host also closes its connection, as Node's
 * own refusal did.
 */
export function checkRequestHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const refusal = headerRefusal(request.raw);
    if (refusal === undefined) {
      done();
      return;
    }
    if (refusal === MISSING_HOST_MESSAGE) void reply.header('connection', 'close');
    sendWireError(request, reply, { kind: 'generic', code: 'HTTP.BAD_REQUEST', message: refusal });
  });
}
