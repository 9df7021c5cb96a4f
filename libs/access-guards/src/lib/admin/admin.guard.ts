import { Inject, Injectable, Logger, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ADMIN_SCOPE, LatchkeyError, type AdminPermissionId } from '@latchkey/contracts';
import { catalogueCounter } from '@latchkey/telemetry';
import { authorizationHeaders, singleBearer } from '../bearer-header';
import { OperatorCredential } from '../operator/operator-credential';
import { OperatorKeyGuard } from '../operator/operator-key.guard';
import { OPERATOR_KEY_OPTIONS, type OperatorKeyOptions } from '../operator/operator-key.options';
import { RbacGuard } from '../rbac/rbac.guard';
import { rbacCallerOf } from '../rbac/rbac-caller';
import { REQUIRED_PERMISSION } from '../rbac/rbac-requirements';

/** A compact JWS: what an internal access token looks like, and what no operator key the platform generates does. */
const COMPACT_JWS = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The guard of every `@AdminApi()` handler. A bearer credential shaped like
 * a JWT goes to RbacGuard: the exchange's internal access token for the
 * admin audience, the scope `latchkey.admin`, then the handler's
 * `@AdminPermission`, decided by the rbac service from the operator's
 * roles. Anything else is checked as the service's break-glass operator key
 * (OperatorKeyGuard), which a production deployment leaves unset once its
 * operators have roles (docs/RBAC.md "Admin APIs"). A handler without a
 * permission is refused whatever the caller presents: the scope alone
 * would let any operator in.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly operatorKey: OperatorKeyGuard;
  private readonly logger = new Logger(AdminGuard.name);
  private readonly breakGlassUses = catalogueCounter('breakGlassUses');
  private readonly service: string;

  constructor(
    private readonly reflector: Reflector,
    credential: OperatorCredential,
    @Inject(OPERATOR_KEY_OPTIONS) options: OperatorKeyOptions,
    @Optional() private readonly rbac?: RbacGuard,
  ) {
    this.operatorKey = new OperatorKeyGuard(credential, options);
    this.service = options.service;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const permission = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_PERMISSION, [context.getHandler(), context.getClass()]);
    if (permission === undefined) {
      throw new Error(`admin handler ${context.getClass().name}.${context.getHandler().name} declares no @AdminPermission`);
    }
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const bearer = singleBearer(authorizationHeaders(request));
    if (this.rbac !== undefined && bearer !== undefined && COMPACT_JWS.test(bearer)) return this.rbac.canActivate(context);
    const allowed = this.operatorKey.canActivate(context);
    // Every use of the shared, unattributed break-glass key is counted and logged (never the key itself), so that an
    // alert (deploy/prometheus/alerts.yml LatchkeyBreakGlassKeyUsed) shows it to security operations.
    this.breakGlassUses.add(1, { service: this.service });
    this.logger.warn({ msg: 'break-glass operator key used', method: request.method, route: request.routeOptions.url, permission });
    return allowed;
  }

  /**
   * Decides again whether the credential `request` was admitted with still
   * opens `permission`, for a response that outlives its admission (a
   * server-sent event stream): an operator token through RbacGuard's same
   * checks (expiry, revocation of its person, application or `jti`, the admin
   * scope, the permission, decided now); the break-glass key compared again.
   * Resolves undefined while it does, else with the refusal a new request
   * would get now (a LatchkeyError: `RBAC.*` or the service's operator key
   * codes). Not counted or logged as a new use of the break-glass key: the
   * request it continues was.
   */
  async recheck(request: FastifyRequest, permission: AdminPermissionId): Promise<LatchkeyError<string> | undefined> {
    const bearer = singleBearer(authorizationHeaders(request));
    try {
      if (this.rbac !== undefined && bearer !== undefined && COMPACT_JWS.test(bearer)) {
        await this.rbac.recheck(request, { scopes: [ADMIN_SCOPE], permission, admin: true });
      } else {
        this.operatorKey.authenticate(request);
      }
      return undefined;
    } catch (error) {
      if (error instanceof LatchkeyError) return error as LatchkeyError<string>;
      throw error;
    }
  }

  /**
   * When the credential of the admitted `request` stops being valid by
   * itself: an operator token's `exp`. Undefined for the break-glass key,
   * which has no expiry (a caller that must bound a long response sets its
   * own limit).
   */
  expiresAt(request: FastifyRequest): Date | undefined {
    const caller = rbacCallerOf(request);
    return caller === undefined ? undefined : new Date(caller.claims.exp * 1000);
  }
}
