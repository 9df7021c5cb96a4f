import type { FastifyRequest } from 'fastify';

/** The methods a route can be registered for here (Fastify adds HEAD beside every GET). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * For a request no route matched, the methods that do have a route at its
 * path: a non-empty list means the path exists and the method is wrong, a
 * 405 with `Allow` (RFC 9110 §15.5.6) rather than a 404 that would tell a
 * client the resource is not there. Computed only on the not-found path, so
 * served requests pay nothing; the answer lists methods, never the path.
 */
export function allowedMethodsOf(request: Pick<FastifyRequest, 'is404' | 'url' | 'server'>): readonly string[] {
  if (!request.is404) return [];
  const path = request.url.split('?', 1)[0] ?? request.url;
  return METHODS.filter((method) => request.server.findRoute({ method, url: path }) !== null);
}
