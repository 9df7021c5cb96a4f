import type { FastifyRequest } from 'fastify';
import { rawHeaderValues, singleBearer } from '@latchkey/access-guards';
import { LatchkeyError, type ExchangeErrorCode } from '@latchkey/contracts';

/** A refused gateway request (the platform's Azure error shape; 401s carry a Bearer challenge). */
export class GatewayRequestError extends LatchkeyError<ExchangeErrorCode> {}

/** What a gateway call asks for: the Entra token, the scopes and the OAuth application. */
export interface GatewayRequest {
  /** The Entra access token. A credential: never log it. */
  readonly sourceToken: string;
  readonly scopes: readonly string[];
  readonly clientId: string;
}

/** RFC 6749 §3.3 scope tokens, single spaces between. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;
/** A client id as OAuth applications are registered: printable, no spaces, bounded. */
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Reads the three headers of the identity-governance gateway call
 * (`Authorization: Bearer <Entra access token>`, `scope`, `client_id`),
 * each exactly once: a repeated header is refused, never resolved by
 * picking one. No token → 401 `EXCHANGE.TOKEN_MISSING`; another scheme,
 * several tokens or a malformed one → 401 `EXCHANGE.TOKEN_MALFORMED`; a
 * missing, repeated or malformed `scope` or `client_id` → 400
 * `EXCHANGE.REQUEST_INVALID` naming the header, never its value.
 */
export function readGatewayRequest(request: Pick<FastifyRequest, 'raw'>): GatewayRequest {
  const authorization = rawHeaderValues(request, 'authorization');
  if (authorization.length === 0) {
    throw new GatewayRequestError('EXCHANGE.TOKEN_MISSING', 'Send the Entra access token as Authorization: Bearer <token>.');
  }
  const sourceToken = singleBearer(authorization);
  if (sourceToken === undefined) {
    throw new GatewayRequestError('EXCHANGE.TOKEN_MALFORMED', 'Send exactly one Authorization header: Bearer followed by one token.');
  }
  const scope = single(request, 'scope', SCOPE, 'space-separated scope names');
  const clientId = single(request, 'client_id', CLIENT_ID, 'the OAuth application’s client id');
  return { sourceToken, scopes: [...new Set(scope.split(' '))], clientId };
}

function single(request: Pick<FastifyRequest, 'raw'>, name: string, shape: RegExp, what: string): string {
  const values = rawHeaderValues(request, name);
  if (values.length !== 1) {
    throw new GatewayRequestError('EXCHANGE.REQUEST_INVALID', `Send the ${name} header exactly once: ${what}.`, { header: name });
  }
  const value = (values[0] ?? '').trim();
  if (!shape.test(value)) throw new GatewayRequestError('EXCHANGE.REQUEST_INVALID', `The ${name} header must be ${what}.`, { header: name });
  return value;
}
