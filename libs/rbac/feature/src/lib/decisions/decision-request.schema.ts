import { z } from 'zod';
import { SubjectId, SubjectKindInput, TenantId } from '../rbac-request.schema';

/**
 * `POST /rbac/v1/decisions`. The permission is any bounded printable text:
 * one outside the registry is answered deny (`unknown-permission`), never
 * refused. `resource` names the object instance; it is accepted and not yet
 * part of the decision (roles grant per resource type).
 */
export const DecisionBody = z.strictObject({
  subject: z.strictObject({ kind: SubjectKindInput, id: SubjectId }),
  permission: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/),
  tenantId: TenantId.optional(),
  resource: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[\x21-\x7e]+$/)
    .optional(),
});
/** A parsed {@link DecisionBody}. */
export type DecisionRequest = z.output<typeof DecisionBody>;
