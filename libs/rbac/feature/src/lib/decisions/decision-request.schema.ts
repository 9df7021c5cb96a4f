import { z } from 'zod';
import { SubjectId, SubjectKindInput, TenantId } from '../rbac-request.schema';

/**
 * `POST /rbac/v1/decisions`. The permission is 1-128 printable ASCII
 * characters without a space (0x21-0x7e): anything else (a space, a control
 * character such as NUL, non-ASCII, empty, longer) is malformed and refused
 * (400), while well-formed text outside the registry (upper case included:
 * permissions are compared exactly) is answered deny, `unknown-permission`.
 * `resource` names the object instance, the same alphabet up to 512; it is
 * accepted and not yet part of the decision (roles grant per resource type).
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
