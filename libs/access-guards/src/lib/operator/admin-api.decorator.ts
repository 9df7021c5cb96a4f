import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorKeyGuard } from './operator-key.guard';

/**
 * Marks a controller as part of a service's operator admin API: never
 * `@Public()`, every handler behind the operator guard. The one place to
 * swap the interim operator key for the RBAC guard and its per-endpoint
 * permissions. The controller's module must import `OperatorKeyModule.forService(…)`.
 */
export function AdminApi(): ClassDecorator {
  return applyDecorators(
    ApiTags('Operator admin'),
    ApiBearerAuth(),
    UseGuards(OperatorKeyGuard),
    ApiResponse({ status: 401, description: 'Unauthorized (OperatorCredentialMissing, OperatorCredentialInvalid, AdminApiDisabled)' }),
  );
}
