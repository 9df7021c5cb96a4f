import { z } from 'zod';
import { describeInputIssue, freeText, Guid, Identifier, PermissionId as SharedPermissionId } from '@latchkey/contracts';
import { RbacAdminError } from './admin/rbac-admin.errors';

/**
 * The pieces every RBAC request schema shares. Objects are strict: an
 * unknown field is refused rather than ignored, so a misspelt `tenantId`
 * cannot silently widen an assignment to every tenant.
 */

/** A permission id (the shared rule in contracts: `resource:action`, lower case). */
export const PermissionId = SharedPermissionId;

/** A role id: lower case letters, digits, `.`, `_`, `-`, e.g. `report-reader`. */
export const RoleId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'lower-case letters, digits, . _ -' });

/** The kinds of subject a role can be assigned to. */
export const SubjectKindInput = z.enum(['person', 'application', 'operator']);

/** A subject id: a person id (`p_<uuid>` from the exchange), an OAuth client id or an operator id; any platform identifier. */
export const SubjectId = Identifier;

/** An Entra tenant id (`tid`), kept in lower case so comparisons need no normalising. */
export const TenantId = Guid.transform((id) => id.toLowerCase());

/** A service name as it registers its endpoints, e.g. `face-api`. */
export const ServiceName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/);

/** Text an operator writes for people to read: printable, bounded. */
export const Description = freeText({ max: 500, trim: true });

/** Routes that take no body accept none, or an empty object. */
export const NoBody = z.strictObject({}).optional();

/** Parses `input` with `schema`, or refuses with RBAC.ADMIN_REQUEST_INVALID naming the field but never echoing its value. */
export function parseRbacInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new RbacAdminError('RBAC.ADMIN_REQUEST_INVALID', describeInputIssue(parsed.error.issues[0], what));
}
