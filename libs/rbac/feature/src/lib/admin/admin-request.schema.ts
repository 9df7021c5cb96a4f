import { z } from 'zod';
import { Description, PermissionId, RoleId, SubjectKindInput, TenantId } from '../rbac-request.schema';

/** Page size of the subject list: default and bound. */
export const DEFAULT_SUBJECT_LIMIT = 100;
export const MAX_SUBJECT_LIMIT = 1000;

const MAX_ROLE_PERMISSIONS = 200;
const MAX_INCLUDES = 50;

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)].sort();

/** A role's permissions, each once. */
const RolePermissions = z.array(PermissionId).max(MAX_ROLE_PERMISSIONS).transform(unique);
/** The roles a role includes, each once. */
const RoleIncludesInput = z.array(RoleId).max(MAX_INCLUDES).transform(unique);

/** `POST /admin/v1/permissions`: a new permission for the registry. */
export const CreatePermissionBody = z.strictObject({ id: PermissionId, description: Description.default('') });
/** A parsed {@link CreatePermissionBody}. */
export type CreatePermission = z.output<typeof CreatePermissionBody>;

/** `POST /admin/v1/roles`: a new role, its permissions (registered ones) and the roles it includes. */
export const CreateRoleBody = z.strictObject({
  id: RoleId,
  description: Description.default(''),
  permissions: RolePermissions.default([]),
  includes: RoleIncludesInput.default([]),
});
/** A parsed {@link CreateRoleBody}. */
export type CreateRole = z.output<typeof CreateRoleBody>;

/** `PATCH /admin/v1/roles/{id}`: the fields to change (at least one); lists are replaced whole. */
export const UpdateRoleBody = z
  .strictObject({
    description: Description.optional(),
    permissions: RolePermissions.optional(),
    includes: RoleIncludesInput.optional(),
  })
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), { message: 'no field to change' });
/** A parsed {@link UpdateRoleBody}. */
export type UpdateRole = z.output<typeof UpdateRoleBody>;

/** The query of assignment routes: an optional tenant; without it the assignment applies in every tenant. */
export const AssignmentQuery = z.strictObject({ tenantId: TenantId.optional() });

/** `GET /admin/v1/subjects`: optional kind and limit. Repeated parameters arrive as arrays and are refused. */
export const ListSubjectsQuery = z.strictObject({
  kind: SubjectKindInput.optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/)
    .transform(Number)
    .pipe(z.number().max(MAX_SUBJECT_LIMIT))
    .optional(),
});
