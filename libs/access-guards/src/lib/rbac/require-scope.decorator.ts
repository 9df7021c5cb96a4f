import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ScopeToken } from '@latchkey/contracts';
import { RbacGuard } from './rbac.guard';
import { REQUIRED_SCOPES } from './rbac-requirements';

/**
 * Requires an internal access token (the exchange's `at+jwt`) whose `scope`
 * holds every one of `scopes`, e.g. `@RequireScope('testapi.read')`. On a
 * controller and a handler, both lists apply. Usually paired with
 * `@RequirePermission`: the scope is what the application was allowed to
 * ask for, the permission what the person (or application) may do. The
 * service imports `RbacGuardModule.forService(…)`.
 *
 * @throws Error at declaration for no scope or a value that is not a scope token
 */
export function RequireScope(...scopes: string[]): MethodDecorator & ClassDecorator {
  if (scopes.length === 0) throw new Error('@RequireScope needs at least one scope');
  for (const scope of scopes)
    if (!ScopeToken.safeParse(scope).success) throw new Error(`@RequireScope: ${JSON.stringify(scope)} is not a scope token`);
  return applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), UseGuards(RbacGuard));
}
