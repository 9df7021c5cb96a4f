import type { FastifyRequest } from 'fastify';

/** RFC 6750 §2.1: the scheme (case-insensitive), exactly one space, a b64token. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * Every `Authorization` header value of the request, in order. Node keeps
 * only the first of repeated headers in `headers`; the raw list has them
 * all, so a caller can refuse repeats instead of silently picking one.
 */
export function authorizationHeaders(request: FastifyRequest): string[] {
  return rawHeaderValues(request, 'authorization');
}

/** Every value of the header `name` (lower case) the request carried, in order, repeats included (see authorizationHeaders). */
export function rawHeaderValues(request: Pick<FastifyRequest, 'raw'>, name: string): string[] {
  const raw = request.raw.rawHeaders;
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]?.toLowerCase() === name) values.push(raw[i + 1] ?? '');
  return values;
}

/**
 * The credential of exactly one `Authorization: Bearer <b64token>` header,
 * or undefined for none, several, another scheme or a malformed value.
 */
export function singleBearer(headers: readonly string[]): string | undefined {
  return headers.length === 1 ? BEARER.exec(headers[0] ?? '')?.[1] : undefined;
}
