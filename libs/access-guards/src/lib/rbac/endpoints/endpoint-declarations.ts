import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY } from '@latchkey/http';
import { ADMIN_ENDPOINT } from '../../admin/admin-requirements';
import { REQUIRED_PERMISSION, REQUIRED_SCOPES } from '../rbac-requirements';

/** One endpoint as the rbac service's registry takes it (`PUT /rbac/v1/endpoints/{service}`, docs/RBAC.md). */
export interface EndpointDeclaration {
  readonly method: string;
  readonly path: string;
  readonly scope: string | null;
  readonly permission: string | null;
  readonly public: boolean;
}

const reflector = new Reflector();

function pathsOf(value: unknown): string[] {
  if (value === undefined) return [''];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function join(...parts: string[]): string {
  const path = parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/');
  return `/${path}`;
}

/**
 * The endpoint list of `controllers`, read from the same metadata Nest routes
 * and RbacGuard enforce (route paths and methods, `@RequireScope`,
 * `@RequirePermission`, `@AdminApi` with `@AdminPermission`, `@Public`), so
 * what is registered cannot drift from what is enforced. Endpoints that
 * authenticate otherwise (a subscription key, a limited access token, an
 * ISV token) are outside RBAC and left out. The registry takes one scope per
 * endpoint: an endpoint that requires several is refused here rather than
 * registered half; so is an admin endpoint without its permission, which
 * AdminGuard would refuse at every call.
 *
 * @throws Error for an endpoint that requires more than one scope, or an admin endpoint without a permission
 */
export function declaredEndpoints(controllers: readonly Type[]): EndpointDeclaration[] {
  const endpoints: EndpointDeclaration[] = [];
  for (const controller of controllers) {
    const prefixes = pathsOf(reflector.get<unknown>(PATH_METADATA, controller));
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const routes = reflector.get<unknown>(PATH_METADATA, handler);
      if (routes === undefined) continue;
      const method = RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler)];
      const scopes = [...new Set(reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, [handler, controller]) ?? [])];
      if (scopes.length > 1) throw new Error(`${controller.name}.${name} requires ${scopes.length} scopes; the endpoint registry takes one`);
      const permission = reflector.getAllAndOverride<string | undefined>(REQUIRED_PERMISSION, [handler, controller]) ?? null;
      if (permission === null && reflector.getAllAndOverride<boolean>(ADMIN_ENDPOINT, [handler, controller]) === true)
        throw new Error(`${controller.name}.${name} is an admin endpoint without @AdminPermission`);
      const isPublic =
        scopes.length === 0 && permission === null && reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [handler, controller]) === true;
      if (!isPublic && scopes.length === 0 && permission === null) continue;
      for (const prefix of prefixes)
        for (const route of pathsOf(routes))
          endpoints.push({ method, path: join(prefix, route), scope: scopes[0] ?? null, permission, public: isPublic });
    }
  }
  return endpoints;
}
