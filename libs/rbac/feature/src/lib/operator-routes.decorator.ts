import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorKeyGuard } from '@latchkey/access-guards';

/**
 * The decision API and the endpoint registry: called by services on the
 * internal network with the RBAC service's key (LATCHKEY_RBAC_OPERATOR_KEY,
 * which they hold as LATCHKEY_RBAC_DECISION_KEY; docs/RBAC.md), never public.
 * Unlike the admin routes, no operator token opens them.
 */
export function ServiceRoutes(tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    UseGuards(OperatorKeyGuard),
    ApiResponse({ status: 401, description: 'Unauthorized (OperatorCredentialMissing, OperatorCredentialInvalid, AdminApiDisabled)' }),
  );
}
