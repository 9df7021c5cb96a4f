import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ServiceKeyGuard } from './service-keys/service-key.guard';

/**
 * The decision API and the endpoint registry: called by services on the
 * internal network, each with its own key (`lk_svc_<service>_…`, held as
 * LATCHKEY_<SERVICE>_RBAC_KEY; docs/RBAC.md "Service keys"), or by tools with
 * the break-glass operator key; never public. Unlike the admin routes, no
 * operator token opens them, and unlike the operator key, a service key
 * opens nothing else.
 */
export function ServiceRoutes(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    UseGuards(ServiceKeyGuard),
    ApiResponse({ status: 401, description: 'Unauthorized (OperatorCredentialMissing, OperatorCredentialInvalid, AdminApiDisabled)' }),
  );
}
