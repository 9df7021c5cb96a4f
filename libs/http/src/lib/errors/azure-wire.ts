import { assertNever } from '@latchkey/contracts';
import type { HttpErrorCode } from './http-error-codes';

/** Azure-style error body: `{"error":{"code","message","innererror"?}}`. */
export interface AzureErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly innererror?: { readonly code: string; readonly message: string };
  };
}

export interface AzureWireError {
  readonly status: number;
  readonly code: string;
  /** Used when the error carries no safe message of its own. */
  readonly defaultMessage: string;
}

/** The Azure wire form of each generic code. */
export function azureWireError(code: HttpErrorCode): AzureWireError {
  switch (code) {
    case 'HTTP.BAD_REQUEST':
      return { status: 400, code: 'BadArgument', defaultMessage: 'The request is invalid.' };
    case 'HTTP.UNAUTHORIZED':
      return { status: 401, code: 'Unauthorized', defaultMessage: 'Access denied due to missing or invalid credentials.' };
    case 'HTTP.FORBIDDEN':
      return { status: 403, code: 'Forbidden', defaultMessage: 'The caller is not allowed to perform this operation.' };
    case 'HTTP.NOT_FOUND':
      return { status: 404, code: 'NotFound', defaultMessage: 'Resource not found.' };
    case 'HTTP.METHOD_NOT_ALLOWED':
      return { status: 405, code: 'MethodNotAllowed', defaultMessage: 'The method is not allowed for this resource.' };
    case 'HTTP.PAYLOAD_TOO_LARGE':
      return { status: 413, code: 'BadArgument', defaultMessage: 'The request body is too large.' };
    case 'HTTP.UNSUPPORTED_MEDIA_TYPE':
      return { status: 415, code: 'BadArgument', defaultMessage: 'Invalid Media Type.' };
    case 'HTTP.TOO_MANY_REQUESTS':
      return { status: 429, code: 'TooManyRequests', defaultMessage: 'Rate limit exceeded. Try again later.' };
    case 'HTTP.SERVICE_UNAVAILABLE':
      return { status: 503, code: 'ServiceUnavailable', defaultMessage: 'The service is temporarily unavailable. Try again later.' };
    case 'INTERNAL':
      return { status: 500, code: 'InternalServerError', defaultMessage: 'An internal error occurred.' };
    default:
      return assertNever(code);
  }
}
