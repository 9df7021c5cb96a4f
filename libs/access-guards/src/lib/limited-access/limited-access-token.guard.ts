import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { trace, type Counter } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { ClientIp, UserAgent } from '@latchkey/contracts';
import { annotateActiveSpan, catalogueCounter } from '@latchkey/telemetry';
import { GATED_RESOURCE_RESOLVER, type GatedResourceResolver } from './gated-resource-resolver';
import { GATED_USE_RECORDER, type GatedUseRecorder } from './gated-use-recorder';
import { LatError } from './lat-error';
import { LAT_RETRYABLE, LAT_WIRE_ERRORS } from './lat-wire-errors';
import { limitedAccessConfig } from './limited-access.config';
import { LIMITED_ACCESS_TOKEN_HEADER } from './limited-access-token-header';
import { LimitedAccessTokenVerifier, type AcceptedToken } from './limited-access-token.verifier';
import { REQUIRES_FEATURE, type FeatureGate } from './feature-gate';

/** Seconds a client is told to wait after a 503 (the bus or the revocation feed is back within that, or it retries). */
const RETRY_AFTER_SECONDS = '1';

/** The accepted token, for the handler (`request.limitedAccess`). */
declare module 'fastify' {
  interface FastifyRequest {
    limitedAccess?: AcceptedToken;
  }
}

/**
 * The gate in front of every operation marked `@RequiresFeature`: the
 * request's resource (from its own key), the token's checks
 * (LimitedAccessTokenVerifier), then the use recorded, fail-closed: a gated
 * operation is served only once its `lat.used` event is accepted by the bus
 * or durably spooled; otherwise 503 with Retry-After. Every refusal records
 * `lat.rejected` with its reason. Neither event ever carries the token.
 * Each request that reaches the token checks is counted in
 * `latchkey.token_use.requests` {outcome: served | refused, reason: the
 * refusal's `innererror.code` or none, feature}, beside its event.
 */
@Injectable()
export class LimitedAccessTokenGuard implements CanActivate {
  private readonly publicUrl: string;
  private readonly uses: Counter = catalogueCounter('tokenUses');

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: LimitedAccessTokenVerifier,
    @Inject(GATED_RESOURCE_RESOLVER) private readonly resources: GatedResourceResolver,
    @Inject(GATED_USE_RECORDER) private readonly recorder: GatedUseRecorder,
    @InjectConfig(limitedAccessConfig) config: ConfigOf<typeof limitedAccessConfig>,
  ) {
    this.publicUrl = config.LATCHKEY_RESOURCE_SERVER_URL.replace(/\/+$/, '');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const gate = this.reflector.getAllAndOverride<FeatureGate | undefined>(REQUIRES_FEATURE, [context.getHandler(), context.getClass()]);
    if (gate === undefined) throw new Error('LimitedAccessTokenGuard on a handler without @RequiresFeature');
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const resourceId = await this.resources.resourceOf(request);
    const who = requestContext(request);

    let accepted: AcceptedToken;
    try {
      accepted = await this.verifier.verify({
        header: request.headers[LIMITED_ACCESS_TOKEN_HEADER],
        resourceId,
        feature: gate.feature,
        dpop: { proof: headerValue(request.headers['dpop']), method: request.method, url: this.publicUrl + request.url },
      });
    } catch (error) {
      if (error instanceof LatError) this.refuse(error, reply, { ...who, resourceId, operation: gate.operation, feature: gate.feature });
      throw error;
    }

    const { claims } = accepted;
    try {
      await this.recorder.served({
        ...who,
        jti: claims.jti,
        isvId: claims.isv,
        resourceId,
        operation: gate.operation,
        feature: gate.feature,
        outcome: 'served',
      });
    } catch (cause) {
      const error = new LatError(
        'LAT.AUDIT_UNAVAILABLE',
        'The use of this token cannot be recorded right now; try again shortly.',
        {
          jti: claims.jti,
          isvId: claims.isv,
        },
        { cause },
      );
      this.refuse(error, reply, { ...who, resourceId, operation: gate.operation, feature: gate.feature });
      throw error;
    }
    this.uses.add(1, { outcome: 'served', reason: 'none', feature: gate.feature });
    annotateActiveSpan({
      'latchkey.jti': claims.jti,
      'latchkey.isv_id': claims.isv,
      'latchkey.resource_id': resourceId,
      'latchkey.operation': gate.operation,
      'latchkey.feature': gate.feature,
      'latchkey.outcome': 'served',
    });
    request.limitedAccess = accepted;
    return true;
  }

  private refuse(
    error: LatError,
    reply: FastifyReply,
    request: {
      resourceId: string;
      operation: string;
      feature: FeatureGate['feature'];
      clientIp: string;
      userAgent: string | null;
      traceId: string | null;
    },
  ): void {
    if (LAT_RETRYABLE.has(error.code)) void reply.header('retry-after', RETRY_AFTER_SECONDS);
    const claimed = (key: string): string | null => (typeof error.details[key] === 'string' ? (error.details[key] as string) : null);
    this.recorder.refused({ ...request, jti: claimed('jti'), isvId: claimed('isvId'), reason: error.code });
    // What the token claimed (it may be forged: the audit's lat.rejected says so too) and why it was refused.
    annotateActiveSpan({
      'latchkey.jti': claimed('jti') ?? undefined,
      'latchkey.isv_id': claimed('isvId') ?? undefined,
      'latchkey.resource_id': request.resourceId,
      'latchkey.operation': request.operation,
      'latchkey.feature': request.feature,
      'latchkey.outcome': 'refused',
      'latchkey.reason': error.code,
    });
    // The wire's innererror code (what the client saw), from the fixed table: a bounded label.
    this.uses.add(1, { outcome: 'refused', reason: LAT_WIRE_ERRORS[error.code].azureInnerCode ?? error.code, feature: request.feature });
  }
}

/** Node joins a repeated header; an array only comes for set-cookie, but the type allows it. */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Who asked: address, user agent (bounded, as the event schema wants) and the trace this request belongs to. */
function requestContext(request: FastifyRequest): { clientIp: string; userAgent: string | null; traceId: string | null } {
  const agent = UserAgent.safeParse(request.headers['user-agent']?.slice(0, 512));
  const span = trace.getActiveSpan()?.spanContext();
  const traceId = span && span.traceId !== '00000000000000000000000000000000' ? span.traceId : null;
  return { clientIp: ClientIp.safeParse(request.ip).success ? request.ip : '0.0.0.0', userAgent: agent.success ? agent.data : null, traceId };
}
