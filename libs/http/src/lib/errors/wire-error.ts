import { LatchkeyError } from '@latchkey/contracts';
import { isConnectionFailure, isUnstorableText } from '@latchkey/persistence';
import { HttpException } from '@nestjs/common';
import { azureWireError, type AzureErrorBody } from './azure-wire';
import type { ErrorWireMapping } from './error-mapping.registry';
import { httpErrorCodeForStatus, isHttpErrorCode, type HttpErrorCode } from './http-error-codes';
import { defaultOAuthError, oauthStatus, oauthWireError, toOAuthDescription, type OAuthErrorBody } from './oauth-wire';
import type { WireFamily } from './wire-format.decorator';

/** Said for text the database refused; it names no field and repeats nothing the caller sent. */
export const UNSTORABLE_TEXT_MESSAGE = 'The request holds text that cannot be stored: a NUL character or a value longer than allowed.';

/** What an exception means, before it is rendered in a wire family. */
export type ClassifiedError =
  /** A transport-level code; `message` is present only when safe to show. */
  | { readonly kind: 'generic'; readonly code: HttpErrorCode; readonly message?: string }
  /** A service code with its registered mapping. */
  | { readonly kind: 'mapped'; readonly code: string; readonly mapping: ErrorWireMapping; readonly message: string }
  /** A LatchkeyError whose code no service mapped: a bug, answered as INTERNAL. */
  | { readonly kind: 'unmapped'; readonly code: string };

/**
 * Classifies anything thrown while serving a request. Only a LatchkeyError's
 * message is trusted to be public; Nest messages (which echo paths and parser
 * details) and unknown errors get the generic wording. Fastify's own errors
 * (body too large, unsupported media type, not found) reach here as
 * HttpExceptions carrying their status: Nest converts them first. Malformed
 * JSON is raised as HTTP.BAD_REQUEST by our own parser (body-parsers.ts).
 */
export function classifyError(exception: unknown, lookup: (code: string) => ErrorWireMapping | undefined): ClassifiedError {
  if (exception instanceof LatchkeyError) {
    const code: string = exception.code;
    if (isHttpErrorCode(code)) {
      return code === 'INTERNAL' ? { kind: 'generic', code } : { kind: 'generic', code, message: exception.message };
    }
    const mapping = lookup(code);
    return mapping === undefined ? { kind: 'unmapped', code } : { kind: 'mapped', code, mapping, message: exception.message };
  }
  if (exception instanceof HttpException) return { kind: 'generic', code: httpErrorCodeForStatus(exception.getStatus()) };
  // The database is out of reach (an outage, a failover): the caller may retry, the request was not at fault.
  if (isConnectionFailure(exception)) return { kind: 'generic', code: 'HTTP.SERVICE_UNAVAILABLE' };
  // Text the database cannot store (a NUL character, a value longer than its column) came from the request: a 400,
  // whichever route let it through. The routes' own validation should refuse it first; this keeps a miss from being a 500.
  if (isUnstorableText(exception)) return { kind: 'generic', code: 'HTTP.BAD_REQUEST', message: UNSTORABLE_TEXT_MESSAGE };
  return { kind: 'generic', code: 'INTERNAL' };
}

export interface WireError {
  readonly status: number;
  readonly body: AzureErrorBody | OAuthErrorBody;
}

/** Renders a classified error in a wire family. */
export function renderWireError(error: ClassifiedError, family: WireFamily): WireError {
  const classified: ClassifiedError = error.kind === 'unmapped' ? { kind: 'generic', code: 'INTERNAL' } : error;
  if (classified.kind === 'generic') {
    if (family === 'oauth') {
      const wire = oauthWireError(classified.code);
      const description = toOAuthDescription(classified.message ?? wire.defaultDescription);
      return { status: wire.status, body: { error: wire.error, error_description: description } };
    }
    const wire = azureWireError(classified.code);
    return { status: wire.status, body: { error: { code: wire.code, message: classified.message ?? wire.defaultMessage } } };
  }
  const { mapping, message } = classified;
  if (family === 'oauth') {
    const oauthError = mapping.oauthError ?? defaultOAuthError(mapping.status);
    return {
      status: oauthStatus(oauthError, mapping.status),
      body: { error: oauthError, error_description: toOAuthDescription(mapping.message ?? message) },
    };
  }
  const innererror = mapping.azureInnerCode === undefined ? {} : { innererror: { code: mapping.azureInnerCode, message } };
  return { status: mapping.status, body: { error: { code: mapping.azureCode, message: mapping.message ?? message, ...innererror } } };
}
