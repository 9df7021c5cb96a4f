import { performance } from 'node:perf_hooks';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catalogueCounter, catalogueHistogram } from '@latchkey/telemetry';
import type { Observable } from 'rxjs';
import { tap } from 'rxjs/operators';
import { ISSUER_WIRE_ERRORS } from './issuer-wire-errors';
import { IssuerError } from './issuer.errors';

/**
 * How one issueLimitedAccessToken request ended, as the metrics label it:
 * `issued` (a token signed and recorded), `dry-run` (a dry run that would
 * have been granted: nothing signed, so not counted as issued) or `refused`.
 */
export interface IssuanceOutcome {
  readonly outcome: 'issued' | 'dry-run' | 'refused';
  /** The refusal's `innererror.code` (e.g. `FeatureNotGrantedToIsv`); `none` when not refused. */
  readonly reason: string;
}

/** The Azure `error.code` the exception filter answers for anything that is not an issuer refusal (a failure of ours: 500). */
const INTERNAL_ERROR = 'InternalServerError';

/** The outcome of an answer the route returned: the JWT, or what a dry run would grant. */
export function issuedOutcome(answer: unknown): IssuanceOutcome {
  const dryRun = typeof answer === 'object' && answer !== null && 'dryRun' in answer;
  return { outcome: dryRun ? 'dry-run' : 'issued', reason: 'none' };
}

/**
 * The outcome of an error the route threw: its `innererror.code` from the
 * issuer's wire table (every issuer code has one), so the label is exactly
 * what the ISV reads, from a bounded set. Anything else is answered 500
 * without an innererror, and labelled with the top-level code it gets.
 */
export function refusedOutcome(error: unknown): IssuanceOutcome {
  if (!(error instanceof IssuerError)) return { outcome: 'refused', reason: INTERNAL_ERROR };
  const wire = ISSUER_WIRE_ERRORS[error.code];
  return { outcome: 'refused', reason: wire.azureInnerCode ?? wire.azureCode };
}

/**
 * Records `latchkey.issuance.requests` and `latchkey.issuance.duration`
 * (docs/ISSUER.md "Metrics") for every answer of the route it decorates:
 * tokens, dry runs and every refusal (400, 401, 403, 429, and 500 for our
 * own failures). The time runs from the handler's start to its answer or
 * error: every check, signing, and the transaction that records the issuance
 * or the denial. Requests Fastify refuses before the route runs (malformed
 * JSON, a body over the limit, another content type) never reach it and are
 * not counted. The instruments are created with the interceptor, which Nest
 * builds at bootstrap, after `@latchkey/telemetry/register` started the SDK.
 */
@Injectable()
export class IssuanceMetricsInterceptor implements NestInterceptor {
  private readonly requests = catalogueCounter('issuanceRequests');
  private readonly duration = catalogueHistogram('issuanceDuration');

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const startedAt = performance.now();
    return next.handle().pipe(
      tap({
        next: (answer: unknown) => this.record(startedAt, issuedOutcome(answer)),
        error: (error: unknown) => this.record(startedAt, refusedOutcome(error)),
      }),
    );
  }

  private record(startedAt: number, { outcome, reason }: IssuanceOutcome): void {
    this.requests.add(1, { outcome, reason });
    this.duration.record(performance.now() - startedAt, { outcome });
  }
}
