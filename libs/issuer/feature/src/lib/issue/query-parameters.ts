import { IssuerError } from './issuer.errors';

/**
 * Refuses a query string with any parameter the operation does not take.
 * Ignoring one is how `?expiredTime[]=60` (a name the parser does not read)
 * silently became the default 3600-second lifetime: an unknown or
 * misspelled parameter is refused, so the caller never gets less or more
 * than it asked for. The message lists what the operation takes, never the
 * caller's parameter name.
 */
export function assertOnlyQueryParameters(given: readonly string[], known: readonly string[]): void {
  if (given.every((name) => known.includes(name))) return;
  throw new IssuerError(
    'ISSUER.QUERY_INVALID',
    known.length === 0 ? 'This operation takes no query parameters.' : `Unknown query parameter; this operation takes only ${known.join(' and ')}.`,
  );
}

/** The parameter names of a parsed query string (Fastify gives an object; anything else has none). */
export function queryParameterNames(query: unknown): string[] {
  return query !== null && typeof query === 'object' ? Object.keys(query) : [];
}
