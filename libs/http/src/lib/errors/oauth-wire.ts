import { assertNever } from '@latchkey/contracts';
import type { HttpErrorCode } from './http-error-codes';

/** `error` values of RFC 6749 §5.2, RFC 6750 §3.1 and RFC 8693 §2.2.2. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable';

/** RFC 6749 §5.2 error body. */
export interface OAuthErrorBody {
  readonly error: OAuthErrorCode;
  readonly error_description: string;
}

export interface OAuthWireError {
  readonly status: number;
  readonly error: OAuthErrorCode;
  readonly defaultDescription: string;
}

/** The OAuth wire form of each generic code. */
export function oauthWireError(code: HttpErrorCode): OAuthWireError {
  switch (code) {
    case 'HTTP.BAD_REQUEST':
      return { status: 400, error: 'invalid_request', defaultDescription: 'The request is invalid.' };
    case 'HTTP.UNAUTHORIZED':
      return { status: 401, error: 'invalid_client', defaultDescription: 'Client authentication failed.' };
    case 'HTTP.FORBIDDEN':
      return { status: 403, error: 'access_denied', defaultDescription: 'The request was denied.' };
    case 'HTTP.NOT_FOUND':
      return { status: 404, error: 'invalid_request', defaultDescription: 'Resource not found.' };
    case 'HTTP.METHOD_NOT_ALLOWED':
      return { status: 405, error: 'invalid_request', defaultDescription: 'The method is not allowed for this resource.' };
    case 'HTTP.PAYLOAD_TOO_LARGE':
      return { status: 413, error: 'invalid_request', defaultDescription: 'The request body is too large.' };
    case 'HTTP.UNSUPPORTED_MEDIA_TYPE':
      return { status: 415, error: 'invalid_request', defaultDescription: 'Unsupported content type.' };
    case 'HTTP.TOO_MANY_REQUESTS':
      return { status: 429, error: 'temporarily_unavailable', defaultDescription: 'Rate limit exceeded. Try again later.' };
    case 'HTTP.SERVICE_UNAVAILABLE':
      return { status: 503, error: 'temporarily_unavailable', defaultDescription: 'The service is temporarily unavailable. Try again later.' };
    case 'INTERNAL':
      return { status: 500, error: 'server_error', defaultDescription: 'An internal error occurred.' };
    default:
      return assertNever(code);
  }
}

/** The `error` a service code gets on OAuth routes when its mapping names none. */
export function defaultOAuthError(status: number): OAuthErrorCode {
  if (status === 401) return 'invalid_client';
  if (status === 403) return 'access_denied';
  if (status === 429 || status === 503) return 'temporarily_unavailable';
  return status >= 500 ? 'server_error' : 'invalid_request';
}

/**
 * The status a mapped service error is answered with on OAuth routes: the
 * one its `error` calls for, not the mapping's (which is chosen for the Azure
 * shape, e.g. 401 for a bad subject token). RFC 6749 §5.2 and RFC 8693 §2.2.2
 * answer every token endpoint error 400 but `invalid_client` (401); RFC 6750
 * §3.1 gives a resource's `invalid_token` 401 and `insufficient_scope` 403.
 * `temporarily_unavailable` keeps the mapping's 503 (with Retry-After) or 429.
 */
export function oauthStatus(error: OAuthErrorCode, mappedStatus: number): number {
  switch (error) {
    case 'invalid_request':
    case 'invalid_grant':
    case 'unauthorized_client':
    case 'unsupported_grant_type':
    case 'invalid_scope':
    case 'invalid_target':
      return 400;
    case 'invalid_client':
    case 'invalid_token':
      return 401;
    case 'insufficient_scope':
    case 'access_denied':
      return 403;
    case 'temporarily_unavailable':
      return mappedStatus === 429 ? 429 : 503;
    case 'server_error':
      return 500;
    default:
      return assertNever(error);
  }
}

/**
 * RFC 6749 §5.2 limits `error_description` to printable ASCII without `"`
 * and `\`. A `"` becomes `'` (allowed, and a quoted name stays quoted:
 * `The JSON body repeats the key 'scope'.`); `\` and anything else outside
 * the set become `?`, so a client's strict parser never trips.
 */
export function toOAuthDescription(message: string): string {
  return message.replaceAll('"', "'").replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');
}
