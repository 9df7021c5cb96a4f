import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ADMIN_SCOPE } from '@latchkey/contracts';
import { REQUIRED_SCOPES } from '../rbac/rbac-requirements';
import { AdminGuard } from './admin.guard';
import { ADMIN_ENDPOINT } from './admin-requirements';

/**
 * Marks a controller as part of a service's admin API: never `@Public()`,
 * every handler behind AdminGuard, every handler naming its permission with
 * `@AdminPermission(...)` (the workspace lint rule and the endpoint
 * registrar refuse one without). The caller is an operator with an internal
 * access token of the exchange for the admin audience, carrying the scope
 * `latchkey.admin`, whose roles grant the handler's permission; or, where
 * the service has one configured, the holder of the break-glass operator
 * key. The controller's module imports `OperatorKeyModule.forService(…)`;
 * the service's root module imports `RbacGuardModule.forService(…)`.
 */
export function AdminApi(): ClassDecorator {
  return applyDecorators(
    ApiTags('Operator admin'),
    ApiBearerAuth(),
    SetMetadata(ADMIN_ENDPOINT, true),
    SetMetadata(REQUIRED_SCOPES, [ADMIN_SCOPE]),
    UseGuards(AdminGuard),
    ApiResponse({
      status: 401,
      description:
        'Unauthorized: no valid operator token (AccessTokenMissing, AccessTokenInvalid, AccessTokenExpired) or break-glass key (OperatorCredentialMissing, OperatorCredentialInvalid, AdminApiDisabled)',
    }),
    ApiResponse({
      status: 403,
      description: `Forbidden: the token lacks the scope ${ADMIN_SCOPE} (ScopeMissing) or the endpoint's permission (PermissionMissing)`,
    }),
  );
}
