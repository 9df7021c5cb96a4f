import { z } from 'zod';
import { ScopeToken } from '@latchkey/contracts';
import { PermissionId } from '../rbac-request.schema';

/** The most endpoints one service registers. */
export const MAX_ENDPOINTS = 500;

/** HTTP methods an endpoint is declared with; `ALL` is a route that answers every method (Nest's `@All`, e.g. the exchange's gateway). */
export const ENDPOINT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'ALL'] as const;

/**
 * One endpoint as its service declares it: a public endpoint requires
 * nothing; any other requires a scope, a permission, or both.
 */
export const EndpointDeclaration = z
  .strictObject({
    method: z.enum(ENDPOINT_METHODS),
    path: z.string().regex(/^\/[\x21-\x7e]{0,255}$/),
    scope: ScopeToken.nullable(),
    permission: PermissionId.nullable(),
    public: z.boolean(),
  })
  .refine((e) => (e.public ? e.scope === null && e.permission === null : e.scope !== null || e.permission !== null), {
    message: 'a public endpoint requires no scope or permission; any other requires one',
  });

/** `PUT /rbac/v1/endpoints/{service}`: the service's full list, each method and path once. */
export const EndpointListBody = z
  .array(EndpointDeclaration)
  .max(MAX_ENDPOINTS)
  .refine((list) => new Set(list.map((e) => `${e.method} ${e.path}`)).size === list.length, { message: 'an endpoint is listed twice' });
/** A parsed {@link EndpointListBody}. */
export type EndpointList = z.output<typeof EndpointListBody>;
