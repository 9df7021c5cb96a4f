import { Catch, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { throwError, type Observable } from 'rxjs';
import { allowedMethodsOf } from './allowed-methods';
import { ErrorMappingRegistry } from './error-mapping.registry';
import { classifyError, renderWireError, type ClassifiedError } from './wire-error';
import { wireFamilyOf } from './wire-format.decorator';

/** Retry-After of a 503 whose cause named no time of its own (e.g. the database out of reach). */
const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = '5';

/**
 * The one place HTTP errors are written: every exception becomes an Azure
 * or OAuth error body (by route), with no stack, path or internal message in
 * the response. Server errors are logged with the full exception.
 */
@Catch()
@Injectable()
export class LatchkeyExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly mappings: ErrorMappingRegistry,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(LatchkeyExceptionFilter.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // Event consumers (messaging) handle their own errors: retry or dead-letter.
    if (host.getType() !== 'http') return throwError(() => exception);
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();

    const allowed = allowedMethodsOf(request);
    if (allowed.length > 0) {
      // The path has routes, for other methods: 405 and what they are, not "not found".
      void reply.header('allow', allowed.join(', '));
      sendWireError(request, reply, { kind: 'generic', code: 'HTTP.METHOD_NOT_ALLOWED' });
      return;
    }
    const classified = classifyError(exception, (code) => this.mappings.lookup(code));
    if (classified.kind === 'unmapped') {
      this.logger.error({ err: exception, code: classified.code }, 'error code has no wire mapping; answered 500');
    } else if (renderWireError(classified, wireFamilyOf(request)).status >= 500) {
      this.logger.error({ err: exception, code: classified.code }, 'request failed');
    }
    if (reply.sent) return;
    sendWireError(request, reply, classified);
  }
}

/**
 * Writes a classified error in the request's wire family, with the headers that family carries. Also used for
 * the errors Fastify raises before any route runs (createServiceApp's `frameworkErrors`).
 */
export function sendWireError(request: Pick<FastifyRequest, 'url' | 'routeOptions'>, reply: FastifyReply, classified: ClassifiedError): void {
  const family = wireFamilyOf(request);
  const wire = renderWireError(classified, family);
  // A 503 is temporary by definition: say when to come back, unless the code that refused already did.
  if (wire.status === 503 && !reply.hasHeader('retry-after')) void reply.header('retry-after', SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS);
  if (family === 'oauth') {
    // RFC 6749 §5.1: token endpoint responses must not be cached.
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  } else {
    // Azure services repeat error.code in this header; SDKs read it without parsing the body.
    const code = (wire.body as { error?: { code?: unknown } }).error?.code;
    if (typeof code === 'string') void reply.header('x-ms-error-code', code);
  }
  void reply.status(wire.status).header('content-type', 'application/json; charset=utf-8').send(wire.body);
}
