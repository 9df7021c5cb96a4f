import { SetMetadata } from '@nestjs/common';
import { ADMIN_PERMISSIONS, type AdminPermissionId } from '@latchkey/contracts';
import { REQUIRED_PERMISSION } from '../rbac/rbac-requirements';

/**
 * The permission an admin endpoint requires, from the platform's catalogue
 * (ADMIN_PERMISSIONS in @latchkey/contracts, which the operator roles are
 * built from). Only on handlers of an `@AdminApi()` controller, whose guard
 * enforces it; elsewhere use `@RequirePermission`.
 *
 * @throws Error at declaration for an id outside the catalogue (a cast that slipped past the type)
 */
export function AdminPermission(permission: AdminPermissionId): MethodDecorator {
  if (!Object.hasOwn(ADMIN_PERMISSIONS, permission)) throw new Error(`@AdminPermission: ${JSON.stringify(permission)} is not an admin permission`);
  return SetMetadata(REQUIRED_PERMISSION, permission);
}
