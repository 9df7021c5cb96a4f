import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizationHeaders, OperatorCredential, singleBearer } from '@latchkey/access-guards';
import { LatchkeyError, type RbacAdminErrorCode } from '@latchkey/contracts';
import { recordServiceCaller, type ServiceCaller } from './service-caller';
import { ServiceKeySecrets } from './service-key-secrets';

/** RFC 6750 §3: a 401 names the scheme it wants. */
const CHALLENGE = 'Bearer realm="latchkey-rbac-services"';

/**
 * The decision API's and the endpoint registry's authentication: exactly one
 * `Authorization: Bearer` header holding either a service's own key
 * (`lk_svc_<service>_…`, verified against the service-key secret; the
 * caller is that service) or the rbac service's break-glass operator key
 * (tools; the caller is the operator). Both compared in constant time;
 * nothing of the presented key is logged or echoed. What each caller may do
 * is the handler's business (a service registers only its own endpoints).
 * A service key never reaches the admin routes: they take operators' tokens
 * or the operator key only.
 */
@Injectable()
export class ServiceKeyGuard implements CanActivate {
  constructor(
    private readonly secrets: ServiceKeySecrets,
    private readonly operator: OperatorCredential,
  ) {}

  canActivate(context: ExecutionContext): true {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    try {
      recordServiceCaller(request, this.authenticate(request));
    } catch (error) {
      void context.switchToHttp().getResponse<FastifyReply>().header('www-authenticate', CHALLENGE);
      throw error;
    }
    return true;
  }

  private authenticate(request: FastifyRequest): ServiceCaller {
    if (!this.secrets.enabled && !this.operator.enabled) {
      throw new LatchkeyError<RbacAdminErrorCode>('RBAC.ADMIN_API_DISABLED', 'Neither service keys nor a break-glass key are configured.');
    }
    const headers = authorizationHeaders(request);
    if (headers.length === 0) throw new LatchkeyError<RbacAdminErrorCode>('RBAC.ADMIN_UNAUTHENTICATED', 'The Authorization header is missing.');
    const presented = singleBearer(headers);
    if (presented === undefined) {
      throw new LatchkeyError<RbacAdminErrorCode>('RBAC.ADMIN_UNAUTHENTICATED', 'Send exactly one Authorization header: Bearer <service key>.');
    }
    const service = this.secrets.serviceOf(presented);
    if (service !== undefined) return { kind: 'service', service };
    if (this.operator.matches(presented)) return { kind: 'operator' };
    throw new LatchkeyError<RbacAdminErrorCode>('RBAC.ADMIN_CREDENTIAL_INVALID', 'The key is not valid.');
  }
}
