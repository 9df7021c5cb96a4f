import { CONTROL_CHARACTER } from '@latchkey/contracts';
import { OAuthError } from './oauth-error';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** The largest subject token read: far above any Entra access token, far below a body limit. */
export const MAX_SUBJECT_TOKEN_BYTES = 16 * 1024;

/** The longest client_id looked up: far above any the platform hands out (UUIDs), far below what a database index minds. */
export const MAX_CLIENT_ID_LENGTH = 256;

/** The one media type RFC 6749 §3.2 allows for a token request. */
const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** How the client authenticated (RFC 6749 §2.3.1). */
export type ClientAuthentication =
  | { readonly method: 'client_secret_basic' | 'client_secret_post'; readonly clientId: string; readonly clientSecret: string }
  | { readonly method: 'none'; readonly clientId: string };

/** A well-formed RFC 8693 request, not yet checked against any application or token. */
export interface TokenExchangeRequest {
  /** The Entra access token. A credential: never log it. */
  readonly subjectToken: string;
  readonly scopes: readonly string[];
  /** The single `audience` (or `resource`) asked for, if any. */
  readonly audience: string | undefined;
  readonly client: ClientAuthentication;
}

/** A parsed form body: `application/x-www-form-urlencoded` values, repeated names as arrays. */
export type FormBody = Readonly<Record<string, string | readonly string[] | undefined>>;

const KNOWN = new Set([
  'grant_type',
  'subject_token',
  'subject_token_type',
  'requested_token_type',
  'scope',
  'audience',
  'resource',
  'actor_token',
  'actor_token_type',
  'client_id',
  'client_secret',
]);

/** RFC 6749 §3.3: scope tokens separated by single spaces. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/**
 * Refuses a token request whose body is not a form (RFC 6749 §3.2), with the
 * 415 the platform answers for any media type a route does not read. JSON in
 * particular is parsed by the platform for other routes; a JSON body that
 * repeats a key never gets here (the platform's parser refuses it, 400).
 *
 * @throws OAuthError `invalid_request` (415)
 */
export function assertFormContentType(contentType: string | undefined): void {
  // No content type: Fastify refuses any body without one (415) before the handler, so there is no body to
  // refuse here, and the request checks then name the first missing parameter.
  if (contentType === undefined) return;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== FORM_MEDIA_TYPE) {
    throw new OAuthError('invalid_request', `Send the request as a form body (content-type ${FORM_MEDIA_TYPE}).`, 'EXCHANGE.REQUEST_INVALID', {
      unsupportedMediaType: true,
    });
  }
}

/**
 * Reads an RFC 8693 token exchange request strictly: the grant type, the
 * subject token and its type, a scope, at most one audience or resource
 * (not both), a printable client_id of sane length,
 * no actor token (delegation chains are not offered), and exactly one way
 * of client authentication (HTTP Basic, or `client_id` + `client_secret` in
 * the body; `client_id` alone for a public client). Any parameter given
 * twice is refused (RFC 6749 §3.2: "MUST NOT be included more than once").
 * Unknown parameters are ignored, as RFC 6749 §3.2 asks.
 *
 * @throws OAuthError `unsupported_grant_type`, `invalid_request`, `invalid_client`, `invalid_scope` or `invalid_target`
 */
export function parseTokenExchangeRequest(form: FormBody, authorization: string | undefined): TokenExchangeRequest {
  for (const [name, value] of Object.entries(form)) {
    if (KNOWN.has(name) && Array.isArray(value) && !(name === 'audience' || name === 'resource')) {
      throw new OAuthError('invalid_request', `The parameter ${name} is included more than once.`, 'EXCHANGE.REQUEST_INVALID');
    }
  }
  const one = (name: string): string | undefined => {
    const value = form[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const grantType = one('grant_type');
  if (grantType === undefined) throw new OAuthError('invalid_request', 'The parameter grant_type is missing.', 'EXCHANGE.REQUEST_INVALID');
  if (grantType !== TOKEN_EXCHANGE_GRANT) {
    throw new OAuthError('unsupported_grant_type', `Only ${TOKEN_EXCHANGE_GRANT} is supported.`, 'EXCHANGE.REQUEST_INVALID');
  }
  const client = clientAuthentication(one('client_id'), one('client_secret'), authorization);
  const subjectToken = one('subject_token');
  if (subjectToken === undefined) throw new OAuthError('invalid_request', 'The parameter subject_token is missing.', 'EXCHANGE.TOKEN_MISSING');
  if (Buffer.byteLength(subjectToken) > MAX_SUBJECT_TOKEN_BYTES) {
    throw new OAuthError('invalid_request', 'The subject token is too large.', 'EXCHANGE.TOKEN_MALFORMED');
  }
  const subjectTokenType = one('subject_token_type');
  if (subjectTokenType !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError('invalid_request', `subject_token_type must be ${ACCESS_TOKEN_TYPE}.`, 'EXCHANGE.REQUEST_INVALID');
  }
  const requested = one('requested_token_type');
  if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE && requested !== JWT_TOKEN_TYPE) {
    throw new OAuthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE}.`, 'EXCHANGE.REQUEST_INVALID');
  }
  if (form['actor_token'] !== undefined || form['actor_token_type'] !== undefined) {
    throw new OAuthError('invalid_request', 'Delegation with an actor_token is not supported.', 'EXCHANGE.REQUEST_INVALID');
  }
  const scope = one('scope');
  if (scope === undefined)
    throw new OAuthError('invalid_scope', 'The parameter scope is missing: name the scopes to exchange for.', 'EXCHANGE.SCOPE_NOT_ALLOWED');
  if (!SCOPE.test(scope))
    throw new OAuthError('invalid_scope', 'The scope is not a list of scope tokens separated by single spaces.', 'EXCHANGE.SCOPE_NOT_ALLOWED');
  return { subjectToken, scopes: [...new Set(scope.split(' '))], audience: singleTarget(form), client };
}

/**
 * The one audience or resource asked for. Both parameters at once are a
 * malformed request (they are two names for the one target here), several
 * values of one an unserved target (one internal token has one `aud`).
 */
function singleTarget(form: FormBody): string | undefined {
  const values = (name: 'audience' | 'resource'): readonly string[] => {
    const value = form[name];
    return (value === undefined ? [] : Array.isArray(value) ? value : [value]).filter((target) => target !== '');
  };
  const audiences = values('audience');
  const resources = values('resource');
  if (audiences.length > 0 && resources.length > 0) {
    throw new OAuthError('invalid_request', 'Send audience or resource, not both.', 'EXCHANGE.REQUEST_INVALID');
  }
  const distinct = [...new Set([...audiences, ...resources])];
  if (distinct.length > 1) throw new OAuthError('invalid_target', 'Ask for one audience (or resource) per request.', 'EXCHANGE.REQUEST_INVALID');
  return distinct[0];
}

/**
 * Refuses a client_id no application can have before anything looks it up:
 * control characters (a NUL would reach the database and fail there) or an
 * absurd length. RFC 6749 Appendix A.1 allows only printable characters.
 */
function checkClientId(clientId: string): void {
  if (clientId.length > MAX_CLIENT_ID_LENGTH || CONTROL_CHARACTER.test(clientId)) {
    throw new OAuthError('invalid_client', 'The client_id is not a valid client identifier.', 'EXCHANGE.CLIENT_UNKNOWN');
  }
}

/** RFC 6749 §2.3.1 Basic: `client_id:client_secret`, each form-urlencoded, in base64. */
function clientAuthentication(bodyId: string | undefined, bodySecret: string | undefined, authorization: string | undefined): ClientAuthentication {
  if (bodyId !== undefined) checkClientId(bodyId);
  if (authorization !== undefined) {
    const basic = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(authorization);
    if (basic === null)
      throw new OAuthError('invalid_client', 'The Authorization header is not HTTP Basic client authentication.', 'EXCHANGE.CLIENT_UNKNOWN');
    if (bodySecret !== undefined) {
      throw new OAuthError(
        'invalid_request',
        'Authenticate the client one way only: HTTP Basic or client_secret in the body.',
        'EXCHANGE.REQUEST_INVALID',
      );
    }
    const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const clientId = colon < 0 ? undefined : safeDecode(decoded.slice(0, colon));
    const clientSecret = colon < 0 ? undefined : safeDecode(decoded.slice(colon + 1));
    if (!clientId || !clientSecret) throw new OAuthError('invalid_client', 'The HTTP Basic credentials are malformed.', 'EXCHANGE.CLIENT_UNKNOWN');
    checkClientId(clientId);
    if (bodyId !== undefined && bodyId !== clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the authenticated client.', 'EXCHANGE.REQUEST_INVALID');
    }
    return { method: 'client_secret_basic', clientId, clientSecret };
  }
  if (bodyId === undefined)
    throw new OAuthError('invalid_client', 'Client authentication is missing: send client_id (and its secret).', 'EXCHANGE.CLIENT_UNKNOWN');
  return bodySecret === undefined
    ? { method: 'none', clientId: bodyId }
    : { method: 'client_secret_post', clientId: bodyId, clientSecret: bodySecret };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
