import { Inject, Injectable, Logger, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { catalogueCounter } from '@latchkey/telemetry';
import { authorizationHeaders, singleBearer } from '../bearer-header';
import { OperatorCredential } from '../operator/operator-credential';
import { OperatorKeyGuard } from '../operator/operator-key.guard';
import { OPERATOR_KEY_OPTIONS, type OperatorKeyOptions } from '../operator/operator-key.options';
import { RbacGuard } from '../rbac/rbac.guard';
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
}
