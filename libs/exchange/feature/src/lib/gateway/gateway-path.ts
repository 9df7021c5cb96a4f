import { ExchangeRefusal } from '../exchange/exchange-refusal';

/** Where gateway calls are routed: `/api/services/v1/<api>[/…]`. */
export const GATEWAY_PREFIX = '/api/services/v1/';

/** What a gateway call forwards below the upstream's URL. */
export interface UpstreamPath {
  /** The path below `/api/services/v1/<api>`, exactly as sent (percent-encoding kept), `''` or starting with `/`. */
  readonly rest: string;
  /** The query as sent, `''` or starting with `?`. */
  readonly search: string;
}

/**
 * Splits a gateway call's raw URL into what goes to the upstream. The split is
 * made on the raw path at the first `/` after the API name, never by the
 * length of the router's decoded name (`test%61pi` is the API `testapi`, and
 * its raw spelling is longer). A segment that is `.` or `..` once decoded, or
 * that decodes to a slash or backslash, is refused: WHATWG URL resolution
 * (which builds the upstream URL) would otherwise climb out of the upstream's
 * base path, e.g. `/api/services/v1/testapi/%2e%2e/admin` to `<upstream host>/admin`.
 */
export function upstreamPathOf(rawUrl: string): UpstreamPath {
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const search = queryAt === -1 ? '' : rawUrl.slice(queryAt);
  if (!path.startsWith(GATEWAY_PREFIX)) throw refused();
  const below = path.slice(GATEWAY_PREFIX.length);
  const slash = below.indexOf('/');
  const rest = slash === -1 ? '' : below.slice(slash);
  for (const segment of rest.split('/').slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw refused();
    }
    if (decoded === '.' || decoded === '..' || /[/\\]/.test(decoded)) throw refused();
  }
  return { rest, search };
}

function refused(): ExchangeRefusal {
  return new ExchangeRefusal(
    'EXCHANGE.REQUEST_INVALID',
    'The path below the API must not hold . or .. segments, encoded slashes or bad percent-encoding.',
  );
}
