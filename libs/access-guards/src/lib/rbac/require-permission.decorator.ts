import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { RbacGuard } from './rbac.guard';
import { PERMISSION_PATTERN, REQUIRED_PERMISSION } from './rbac-requirements';

/**
 * Requires that the rbac service allows the token's subject `permission`
 * (`resource:action`) in the token's tenant, e.g.
 * `@RequirePermission('testapi:read')`. Deny by default: an unknown
 * subject, role or permission is a 403. A handler's permission replaces its
 * controller's. The service imports `RbacGuardModule.forService(…)`.
 *
 * @throws Error at declaration for a value that is not `resource:action`
 */
export function RequirePermission(permission: string): MethodDecorator & ClassDecorator {
  if (!PERMISSION_PATTERN.test(permission)) throw new Error(`@RequirePermission: ${JSON.stringify(permission)} is not resource:action`);
  return applyDecorators(SetMetadata(REQUIRED_PERMISSION, permission), UseGuards(RbacGuard));
}
