import { ExchangeRefusal } from '../exchange/exchange-refusal';
import { tokenEndpointReason } from '../exchange/exchange-metrics';

/** The challenge of the token endpoint's client authentication (RFC 6749 §2.3.1: HTTP Basic). */
export const BASIC_CHALLENGE = 'Basic realm="latchkey-exchange"';

/**
 * The headers a refusal at `POST /oauth2/token` carries besides its body.
 * Every `invalid_client` (401) carries the Basic challenge, whether the
 * request failed here or in the exchange, and whether or not the client tried
 * Basic: RFC 7235 §3.1 requires a challenge on every 401. A refusal that
 * names a time to come back says it in Retry-After.
 */
export function refusalHeaders(error: unknown): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  // tokenEndpointReason is the RFC 6749 `error` the body carries, for OAuthErrors and ExchangeRefusals alike.
  if (tokenEndpointReason(error) === 'invalid_client') headers['www-authenticate'] = BASIC_CHALLENGE;
  if (error instanceof ExchangeRefusal && error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  return headers;
}
