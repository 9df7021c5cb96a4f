/**
 * Transport-level error codes owned by libs/http: what the framework itself
 * can go wrong with (routing, body parsing, guards) plus INTERNAL. Services
 * throw `LatchkeyError` with these codes too when nothing more precise fits.
 */
export const HTTP_ERROR_CODES = [
  'HTTP.BAD_REQUEST',
  'HTTP.UNAUTHORIZED',
  'HTTP.FORBIDDEN',
  'HTTP.NOT_FOUND',
  'HTTP.METHOD_NOT_ALLOWED',
  'HTTP.PAYLOAD_TOO_LARGE',
  'HTTP.UNSUPPORTED_MEDIA_TYPE',
  'HTTP.TOO_MANY_REQUESTS',
  'HTTP.SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;

/** One of {@link HTTP_ERROR_CODES}. */
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

export function isHttpErrorCode(code: string): code is HttpErrorCode {
  return (HTTP_ERROR_CODES as readonly string[]).includes(code);
}

/** The generic code for an HTTP status raised by Nest or Fastify (not by our own code). */
export function httpErrorCodeForStatus(status: number): HttpErrorCode {
  switch (status) {
    case 400:
      return 'HTTP.BAD_REQUEST';
    case 401:
      return 'HTTP.UNAUTHORIZED';
    case 403:
      return 'HTTP.FORBIDDEN';
    case 404:
      return 'HTTP.NOT_FOUND';
    case 405:
      return 'HTTP.METHOD_NOT_ALLOWED';
    case 413:
      return 'HTTP.PAYLOAD_TOO_LARGE';
    case 415:
      return 'HTTP.UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'HTTP.TOO_MANY_REQUESTS';
    case 503:
      return 'HTTP.SERVICE_UNAVAILABLE';
    default:
      return status >= 400 && status < 500 ? 'HTTP.BAD_REQUEST' : 'INTERNAL';
  }
}
