import { LatchkeyError } from '@latchkey/contracts';
import { HttpException } from '@nestjs/common';
import { azureWireError, type AzureErrorBody } from './azure-wire';
import type { ErrorWireMapping } from './error-mapping.registry';
import { httpErrorCodeForStatus, isHttpErrorCode, type HttpErrorCode } from './http-error-codes';
import { defaultOAuthError, oauthWireError, toOAuthDescription, type OAuthErrorBody } from './oauth-wire';
import type { WireFamily } from './wire-format.decorator';

/** What an exception means, before it is rendered in a wire family. */
export type ClassifiedError =
  /** A transport-level code; `message` is present only when safe to show. */
  | { readonly kind: 'generic'; readonly code: HttpErrorCode; readonly message?: string }
  /** A service code with its registered mapping. */
  | { readonly kind: 'mapped'; readonly code: string; readonly mapping: ErrorWireMapping; readonly message: string }
  /** A LatchkeyError whose code no service mapped: a bug, answered as INTERNAL. */
  | { readonly kind: 'unmapped'; readonly code: string };

interface FastifyError {
  readonly code: string;
  readonly statusCode: number;
}

/** Errors Fastify raises itself (routing, content-type parsing); other libraries' errors never pass for these. */
function isFastifyError(error: unknown): error is FastifyError {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('FST_') &&
    'statusCode' in error &&
    typeof error.statusCode === 'number'
  );
}

function classifyFastifyError(error: FastifyError): ClassifiedError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { kind: 'generic', code: 'HTTP.BAD_REQUEST', message: 'JSON parsing error.' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { kind: 'generic', code: 'HTTP.PAYLOAD_TOO_LARGE' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { kind: 'generic', code: 'HTTP.UNSUPPORTED_MEDIA_TYPE' };
    default:
      return { kind: 'generic', code: httpErrorCodeForStatus(error.statusCode) };
  }
}

/**
 * Classifies anything thrown while serving a request. Only a LatchkeyError's
 * message is trusted to be public; Nest and Fastify messages (which echo
 * paths and parser details) and unknown errors get the generic wording.
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
  if (isFastifyError(exception)) return classifyFastifyError(exception);
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
    return {
      status: mapping.status,
      body: {
        error: mapping.oauthError ?? defaultOAuthError(mapping.status),
        error_description: toOAuthDescription(mapping.message ?? message),
      },
    };
  }
  const innererror = mapping.azureInnerCode === undefined ? {} : { innererror: { code: mapping.azureInnerCode, message } };
  return { status: mapping.status, body: { error: { code: mapping.azureCode, message: mapping.message ?? message, ...innererror } } };
}
