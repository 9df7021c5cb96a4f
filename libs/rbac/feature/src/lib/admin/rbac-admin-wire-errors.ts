import type { RbacAdminErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/** One public message for every 401, so the answer never says more than the inner code. */
const UNAUTHORIZED = 'Access denied due to missing or invalid operator credentials.';

/**
 * How the RBAC service's refusals on its operator-key routes (admin API,
 * decision API, endpoint registry) look on the wire: the platform's Azure
 * shape, one stable `innererror.code` per rule; a 400's message names the
 * field, never its value. Typed over RbacAdminErrorCode: a new code without
 * a row does not compile. docs/RBAC.md lists the same table.
 */
export const RBAC_ADMIN_WIRE_ERRORS: ErrorMappingTable<RbacAdminErrorCode> = {
  'RBAC.ADMIN_REQUEST_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidAdminRequest' },
  'RBAC.ADMIN_UNAUTHENTICATED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialMissing', message: UNAUTHORIZED },
  'RBAC.ADMIN_CREDENTIAL_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'OperatorCredentialInvalid', message: UNAUTHORIZED },
  'RBAC.ADMIN_API_DISABLED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'AdminApiDisabled', message: UNAUTHORIZED },
  'RBAC.ADMIN_PERMISSION_UNKNOWN': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'PermissionNotRegistered' },
  'RBAC.ADMIN_PERMISSION_EXISTS': { status: 409, azureCode: 'Conflict', azureInnerCode: 'PermissionExists' },
  'RBAC.ADMIN_ROLE_NOT_FOUND': { status: 404, azureCode: 'NotFound', azureInnerCode: 'RoleNotFound' },
  'RBAC.ADMIN_ROLE_EXISTS': { status: 409, azureCode: 'Conflict', azureInnerCode: 'RoleExists' },
  'RBAC.ADMIN_ROLE_CYCLE': { status: 409, azureCode: 'Conflict', azureInnerCode: 'RoleInclusionCycle' },
  'RBAC.ADMIN_ROLE_TOO_DEEP': { status: 409, azureCode: 'Conflict', azureInnerCode: 'RoleHierarchyTooDeep' },
  'RBAC.ADMIN_ROLE_INCLUDED': { status: 409, azureCode: 'Conflict', azureInnerCode: 'RoleStillIncluded' },
  'RBAC.ADMIN_SUBJECT_NOT_FOUND': { status: 404, azureCode: 'NotFound', azureInnerCode: 'SubjectNotFound' },
  'RBAC.ADMIN_SUBJECT_KIND_MISMATCH': { status: 409, azureCode: 'Conflict', azureInnerCode: 'SubjectKindMismatch' },
  'RBAC.ADMIN_ASSIGNMENT_NOT_FOUND': { status: 404, azureCode: 'NotFound', azureInnerCode: 'AssignmentNotFound' },
  'RBAC.ADMIN_LAST_ADMINISTRATOR': { status: 409, azureCode: 'Conflict', azureInnerCode: 'LastPolicyAdministrator' },
};
