import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorWireMapping } from './error-mapping.registry';
import { renderWireError } from './wire-error';

const HEADERS_TOO_LARGE: ErrorWireMapping = {
  status: 431,
  azureCode: 'BadArgument',
  // Node counts the request line in its header limit (16 KiB): a URL too long is answered here too, never 414.
  message: 'The request line and headers are too large.',
};
const CHUNK_EXTENSIONS_TOO_LARGE: ErrorWireMapping = {
  status: 413,
  azureCode: 'BadArgument',
  message: 'The chunk extensions of the request body are too large.',
};
const REQUEST_TIMEOUT: ErrorWireMapping = { status: 408, azureCode: 'Timeout', message: 'The request was not received in time.' };
const MALFORMED: ErrorWireMapping = { status: 400, azureCode: 'BadArgument', message: 'The request is not valid HTTP.' };

/** What Node's HTTP parser or server reported, by `error.code`: the statuses Node itself would answer. */
function clientErrorMapping(code: string | undefined): ErrorWireMapping {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return HEADERS_TOO_LARGE;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return CHUNK_EXTENSIONS_TOO_LARGE;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return REQUEST_TIMEOUT;
    default:
      // Every other HPE_* code: a malformed request line, header or chunk, conflicting lengths (smuggling attempts).
      return MALFORMED;
  }
}

/**
 * The raw HTTP/1.1 answer to a request Node could not parse or did not
 * receive in time, in the platform's generic error shape (the Azure family,
 * as `sendWireError` writes it for a route that names no other: there is no
 * route yet, and the URL may not be readable). Made of fixed text only: no
 * byte of the request is repeated.
 */
export function clientErrorResponse(code: string | undefined, now: Date = new Date()): string {
  const mapping = clientErrorMapping(code);
  const wire = renderWireError({ kind: 'mapped', code: 'HTTP.CLIENT_ERROR', mapping, message: mapping.message ?? '' }, 'azure');
  const body = JSON.stringify(wire.body);
  return [
    `HTTP/1.1 ${wire.status} ${STATUS_CODES[wire.status] ?? 'Error'}`,
    // RFC 9110 §6.6.1: an origin server with a clock sends Date on every 4xx.
    `Date: ${now.toUTCString()}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-ms-error-code: ${mapping.azureCode}`,
    // The parser cannot find where the next request would start: the connection ends with this answer.
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** A socket as Node's HTTP server holds it: `_httpMessage` is the response in progress on it, if any. */
type HttpSocket = Socket & { readonly _httpMessage?: ServerResponse | null };

/**
 * Fastify's `clientErrorHandler`: answers the errors Node's HTTP server
 * raises before any request exists (headers too large, a malformed request,
 * a request timeout) with {@link clientErrorResponse} in place of Fastify's
 * own body, then closes the connection. Writes nothing when the client is
 * gone, the socket can no longer be written, or a response on it has already
 * started (the answer would corrupt it), as Node's default handler does.
 */
export function answerClientError(error: Error & { readonly code?: string }, socket: Socket): void {
  // ECONNRESET: the client went away; the socket is already destroyed (Node's 'clientError' documentation).
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inProgress = (socket as HttpSocket)._httpMessage;
  if (socket.writable && inProgress?.headersSent !== true) socket.write(clientErrorResponse(error.code));
  socket.destroy();
}
