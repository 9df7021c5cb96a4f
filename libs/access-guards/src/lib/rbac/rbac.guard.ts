import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InternalAccessTokenClaims, RbacGuardErrorCode, RevocationSubject } from '@latchkey/contracts';
import { IS_PUBLIC_KEY } from '@latchkey/http';
import { TokenError, verifyInternalAccessToken, type TokenErrorCode } from '@latchkey/tokens';
import { ADMIN_ENDPOINT } from '../admin/admin-requirements';
import { authorizationHeaders, singleBearer } from '../bearer-header';
import { RevocationCache } from '../revocation/revocation-cache';
import { RevocationFeedStatus } from '../revocation/revocation.module';
import { recordOperator } from '../operator/operator.decorator';
import { DecisionCache } from './decision-cache';
import { DECISION_SOURCE, type Decision, type DecisionQuery, type DecisionSource } from './decision-client';
import { RbacChangeFeed } from './rbac-change-feed';
import { recordRbacCaller } from './rbac-caller';
import { RbacDecisionCounter, type RbacDecisionSource } from './rbac-decisions';
import { RBAC_DENIAL_RECORDER, type RbacDenialRecorder } from './rbac-denial-recorder';
import { RbacGuardError } from './rbac-error';
import { RBAC_GUARD_SETTINGS, type RbacGuardSettings } from './rbac-guard.settings';
import { REQUIRED_PERMISSION, REQUIRED_SCOPES } from './rbac-requirements';
import { subjectOf, type RbacSubject } from './rbac-subject';
import { RBAC_RETRYABLE } from './rbac-wire-errors';

/** Seconds a client is told to wait after a 503. */
const RETRY_AFTER_SECONDS = '1';

/** Requests this guard already admitted: a handler with both decorators carries the guard twice. */
const admitted = new WeakSet<object>();

/** Where this request's permission decision came from, as far as it got (the metric's `source`). */
interface Attempt {
  source: RbacDecisionSource;
}

/** What a guarded endpoint declares. */
interface Requirements {
  readonly scopes: readonly string[];
  readonly permission: string | undefined;
  /** The `aud` the token must carry: the admin audience on `@AdminApi()` handlers, this service's otherwise. */
  readonly audience: string;
}

/**
 * The gate of every handler marked `@RequireScope` / `@RequirePermission`,
 * in order: exactly one `Authorization: Bearer` header; the exchange's
 * internal access token (signature against its JWKS, `typ: at+jwt`, `iss`,
 * this service's `aud`, times, claims); no revocation of its person, OAuth
 * application, tenant or `jti` since it was minted; every required scope in `scope`
 * (403 `ScopeMissing`, the decision API is not asked); then the permission,
 * from a fresh cached decision or the decision API (403 `PermissionMissing`;
 * deny by default). When it cannot decide safely it answers 503, never a
 * pass. Every 403 is recorded as `rbac.denied`. The admitted caller is
 * recorded for `@Operator()` (`<kind>:<id>`) and `rbacCallerOf(request)`.
 * Every request decided here is counted in `latchkey.rbac.decisions`
 * (rbac-decisions.ts).
 */
@Injectable()
export class RbacGuard implements CanActivate {
  private readonly realm: string;
  private readonly outcomes = new RbacDecisionCounter();

  constructor(
    private readonly reflector: Reflector,
    @Inject(RBAC_GUARD_SETTINGS) private readonly settings: RbacGuardSettings,
    private readonly cache: DecisionCache,
    @Inject(DECISION_SOURCE) private readonly decisions: DecisionSource,
    private readonly feed: RbacChangeFeed,
    @Inject(RBAC_DENIAL_RECORDER) private readonly recorder: RbacDenialRecorder,
    private readonly revocations: RevocationCache,
    private readonly revocationFeed: RevocationFeedStatus,
  ) {
    this.realm = `latchkey-${settings.service}`;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (admitted.has(request)) return true;
    const requirements = this.requirementsOf(context);
    if (requirements === undefined) return true;
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const attempt: Attempt = { source: 'none' };
    try {
      const claims = await this.verify(request, requirements.audience);
      const subject = subjectOf(claims);
      this.checkRevocation(claims, subject);
      const scopes = claims.scope.split(' ');
      this.checkScopes(requirements, scopes, subject, request);
      if (requirements.permission !== undefined) await this.checkPermission(requirements.permission, requirements, claims, subject, request, attempt);
      recordRbacCaller(request, { subject, clientId: claims.client_id, tenantId: claims.tid, scopes, jti: claims.jti, claims });
      recordOperator(request, `${subject.kind}:${subject.id}`);
      admitted.add(request);
      this.outcomes.allowed(attempt.source);
      return true;
    } catch (error) {
      if (error instanceof RbacGuardError) {
        this.outcomes.denied(error.code, attempt.source);
        this.challenge(error, requirements, reply);
      }
      throw error;
    }
  }

  /**
   * Decides again whether `request`, admitted earlier, may still do what it
   * asked: for a response that outlives its admission (a server-sent event
   * stream), which the admission alone would keep open after the token
   * expired, its person or `jti` was revoked, or its role was taken away.
   * Runs the same checks as {@link canActivate} on the request's credential,
   * without its once-per-request shortcut: the token verified again (times
   * included), no revocation since it was minted, `scopes`, then
   * `permission` (a fresh cached decision while the change feed is current,
   * else the decision API; neither is a refusal, never a pass). Resolves
   * with the token's claims; otherwise throws the RbacGuardError a new
   * request would be refused with now (a refused scope or permission is
   * recorded as `rbac.denied`, like any refusal). Not counted in
   * `latchkey.rbac.decisions`, which counts requests.
   */
  async recheck(
    request: FastifyRequest,
    requirement: { readonly scopes: readonly string[]; readonly permission: string; readonly admin: boolean },
  ): Promise<InternalAccessTokenClaims> {
    const requirements: Requirements = {
      scopes: [...new Set(requirement.scopes)],
      permission: requirement.permission,
      audience: requirement.admin ? this.settings.adminAudience : this.settings.audience,
    };
    const claims = await this.verify(request, requirements.audience);
    const subject = subjectOf(claims);
    this.checkRevocation(claims, subject);
    this.checkScopes(requirements, claims.scope.split(' '), subject, request);
    await this.checkPermission(requirement.permission, requirements, claims, subject, request, { source: 'none' });
    return claims;
  }

  /** The handler's requirements; undefined when the handler itself, or its controller without requirements of the handler's own, is `@Public()`. */
  private requirementsOf(context: ExecutionContext): Requirements | undefined {
    const handler = context.getHandler();
    const controller = context.getClass();
    if (this.reflector.get<boolean | undefined>(IS_PUBLIC_KEY, handler) === true) return undefined;
    const scopes = this.reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, [handler, controller]) ?? [];
    const permission = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_PERMISSION, [handler, controller]);
    if (scopes.length === 0 && permission === undefined) {
      if (this.reflector.get<boolean | undefined>(IS_PUBLIC_KEY, controller) === true) return undefined;
      // Only the decorators attach this guard, and they always set one of the two: a wiring bug, refused.
      throw new Error('RbacGuard on a handler without @RequireScope or @RequirePermission');
    }
    const admin = this.reflector.getAllAndOverride<boolean | undefined>(ADMIN_ENDPOINT, [handler, controller]) === true;
    return { scopes: [...new Set(scopes)], permission, audience: admin ? this.settings.adminAudience : this.settings.audience };
  }

  private async verify(request: FastifyRequest, audience: string): Promise<InternalAccessTokenClaims> {
    const headers = authorizationHeaders(request);
    if (headers.length === 0) throw new RbacGuardError('RBAC.TOKEN_MISSING', 'An access token is required: send Authorization: Bearer <token>.');
    const token = singleBearer(headers);
    if (token === undefined) throw new RbacGuardError('RBAC.TOKEN_INVALID', 'Send exactly one Authorization header: Bearer <access token>.');
    try {
      const verified = await verifyInternalAccessToken(token, {
        jwks: this.settings.keys,
        issuer: this.settings.issuer,
        audience,
        clockToleranceSeconds: this.settings.clockToleranceSeconds,
      });
      return verified.claims;
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      const code = refusalCode(error.code);
      throw new RbacGuardError(code, refusalMessage(code), {}, { cause: error });
    } finally {
      this.settings.keyRefreshes.observe();
    }
  }

  /**
   * The exchange checks revocations when it mints; this catches the ones
   * that came after: a token whose person, OAuth application, tenant or own
   * `jti` was revoked after its `iat` is refused (401, get a new one), and so
   * is every token while its subject stays revoked. A revocation state that
   * may be missing records (the feed stale past the bound) decides nothing:
   * 503, never a pass.
   */
  private checkRevocation(claims: InternalAccessTokenClaims, subject: RbacSubject): void {
    if (this.revocationFeed.staleForMs() > this.settings.maxStalenessMs) {
      throw new RbacGuardError('RBAC.DECISION_UNAVAILABLE', 'Revocations cannot be checked right now; try again shortly.');
    }
    const lineage: RevocationSubject[] = [
      { kind: 'jti', jti: claims.jti },
      { kind: 'oauth-application', clientId: claims.client_id },
      { kind: 'tenant', tenantId: claims.tid },
    ];
    if (subject.kind === 'person') lineage.push({ kind: 'person', personId: subject.id });
    if (this.revocations.refuses(lineage, new Date(claims.iat * 1000)) || this.revocations.blocks(lineage)) {
      throw new RbacGuardError('RBAC.TOKEN_REVOKED', 'This access token was revoked; get a new one from the exchange.');
    }
  }

  private checkScopes(requirements: Requirements, granted: readonly string[], subject: RbacSubject, request: FastifyRequest): void {
    const missing = requirements.scopes.filter((scope) => !granted.includes(scope));
    if (missing.length === 0) return;
    const error = new RbacGuardError('RBAC.SCOPE_MISSING', `The access token lacks the scope ${missing.join(', ')} this endpoint requires.`, {
      missingScopes: missing.join(' '),
    });
    this.recordDenial(error, requirements, missing[0] ?? null, subject, request);
    throw error;
  }

  private async checkPermission(
    permission: string,
    requirements: Requirements,
    claims: InternalAccessTokenClaims,
    subject: RbacSubject,
    request: FastifyRequest,
    attempt: Attempt,
  ): Promise<void> {
    const decision = await this.decide({ subject, permission, tenantId: claims.tid }, attempt);
    if (decision.decision === 'allow') return;
    const error = new RbacGuardError('RBAC.PERMISSION_DENIED', `The caller lacks the permission ${permission} this endpoint requires.`, {
      missingPermission: permission,
    });
    this.recordDenial(error, requirements, requirements.scopes[0] ?? null, subject, request);
    throw error;
  }

  /**
   * A fresh cached decision, used only while the change feed is current;
   * otherwise the decision API's (cached for next time). No decision at all
   * is a 503: a stale allow is never served. `attempt` learns which it was.
   */
  private async decide(query: DecisionQuery, attempt: Attempt): Promise<Decision> {
    const feedCurrent = this.feed.staleForMs() <= this.settings.maxStalenessMs;
    if (feedCurrent) {
      const cached = this.cache.fresh(query);
      if (cached !== undefined) {
        attempt.source = 'cache';
        return cached;
      }
    }
    attempt.source = 'api';
    const generation = this.cache.generation;
    let decision: Decision;
    try {
      decision = await this.decisions.decide(query);
    } catch (cause) {
      throw new RbacGuardError('RBAC.DECISION_UNAVAILABLE', 'The permission cannot be checked right now; try again shortly.', {}, { cause });
    }
    if (feedCurrent) this.cache.store(query, decision, generation);
    return decision;
  }

  private recordDenial(error: RbacGuardError, requirements: Requirements, scope: string | null, subject: RbacSubject, request: FastifyRequest): void {
    this.recorder.denied({
      subject: subject.id,
      subjectKind: subject.kind,
      // The event names a permission; an endpoint that declares only scopes is recorded under its first missing scope's name.
      permission: requirements.permission ?? `scope:${scope ?? 'unknown'}`,
      scope,
      endpoint: endpointOf(request),
      reason: error.code,
    });
  }

  /** RFC 6750 §3: a 401 names the scheme (with `error` when a token came and failed); a scope 403 names the scope. */
  private challenge(error: RbacGuardError, requirements: Requirements | undefined, reply: FastifyReply): void {
    const realm = `Bearer realm="${this.realm}"`;
    switch (error.code) {
      case 'RBAC.TOKEN_MISSING':
        void reply.header('www-authenticate', realm);
        return;
      case 'RBAC.TOKEN_INVALID':
      case 'RBAC.TOKEN_EXPIRED':
      case 'RBAC.TOKEN_REVOKED':
        void reply.header('www-authenticate', `${realm}, error="invalid_token"`);
        return;
      case 'RBAC.SCOPE_MISSING':
        void reply.header('www-authenticate', `${realm}, error="insufficient_scope", scope="${(requirements?.scopes ?? []).join(' ')}"`);
        return;
      case 'RBAC.PERMISSION_DENIED':
        return;
      case 'RBAC.DECISION_UNAVAILABLE':
      case 'RBAC.KEYS_UNAVAILABLE':
        if (RBAC_RETRYABLE.has(error.code)) void reply.header('retry-after', RETRY_AFTER_SECONDS);
        return;
    }
  }
}

/** A verification failure as the guard's refusal; the verifier's own trouble (keys out of reach) is a 503, never the caller's fault. */
function refusalCode(code: TokenErrorCode): RbacGuardErrorCode {
  switch (code) {
    case 'TOKENS.EXPIRED':
      return 'RBAC.TOKEN_EXPIRED';
    case 'TOKENS.TOO_LARGE':
    case 'TOKENS.MALFORMED':
    case 'TOKENS.UNKNOWN_KEY':
    case 'TOKENS.BAD_SIGNATURE':
    case 'TOKENS.WRONG_TYPE':
    case 'TOKENS.WRONG_ISSUER':
    case 'TOKENS.WRONG_AUDIENCE':
    case 'TOKENS.NOT_YET_VALID':
    case 'TOKENS.CLAIMS_INVALID':
      return 'RBAC.TOKEN_INVALID';
    default:
      return 'RBAC.KEYS_UNAVAILABLE';
  }
}

function refusalMessage(code: RbacGuardErrorCode): string {
  switch (code) {
    case 'RBAC.TOKEN_EXPIRED':
      return 'The access token has expired; get a new one from the exchange.';
    case 'RBAC.KEYS_UNAVAILABLE':
      return 'The access token cannot be verified right now; try again shortly.';
    default:
      return 'The access token is not valid here: it must be an internal access token of the exchange for this API.';
  }
}

/** The endpoint as declared (`GET /admin/v1/isvs/:isvId`), bounded to what the event accepts. */
function endpointOf(request: FastifyRequest): string {
  const route = request.routeOptions?.url ?? request.url.split('?')[0] ?? '/';
  return `${request.method} ${route}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 256);
}
