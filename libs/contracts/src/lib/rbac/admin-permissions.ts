/**
 * The platform's own admin API in RBAC terms: the scope every admin
 * endpoint requires, the audience of the tokens it accepts, each permission
 * an admin endpoint names, and the operator roles the rbac service seeds.
 * Shared because both sides must agree: services declare
 * `@AdminPermission(...)` with these ids (a typo fails to compile), the rbac
 * service seeds the roles from them.
 */

/** The scope an internal access token must carry to reach any admin endpoint of any service. */
export const ADMIN_SCOPE = 'latchkey.admin';

/**
 * The `aud` of internal access tokens for the admin APIs: one for every
 * service, so that an operator console needs one token, not six. Which
 * endpoint a token reaches is then the permission's business.
 */
export const DEFAULT_ADMIN_AUDIENCE = 'api://latchkey-admin';

/** Every permission an admin endpoint names, with what it lets its holder do. */
export const ADMIN_PERMISSIONS = {
  'issuer.isvs:read': 'List and read ISVs and their subscription keys (never the keys themselves)',
  'issuer.isvs:write': 'Create ISVs, approve or unapprove them, require DPoP',
  'issuer.features:grant': 'Grant or withdraw an ISV’s feature flags',
  'issuer.keys:write': 'Issue and revoke ISV subscription keys',
  'issuer.signing-keys:read': 'List the issuer’s token signing keys',
  'issuer.signing-keys:write': 'Rotate and retire the issuer’s token signing keys',
  'face-api.client-resources:read': 'List and read client resources',
  'face-api.client-resources:write': 'Create and delete client resources, rotate their keys',
  'exchange.applications:read': 'List and read OAuth applications',
  'exchange.applications:write': 'Create, change, enable and disable OAuth applications, rotate their secrets',
  'audit.events:read': 'Query and export audit events and checkpoints',
  'audit.usage:read': 'Read the usage summary per ISV and client',
  'abuse.alerts:read': 'List, read and watch alerts, and the activity series of an ISV',
  'abuse.alerts:acknowledge': 'Acknowledge alerts',
  'abuse.cases:read': 'List and read abuse cases',
  'abuse.cases:close': 'Close abuse cases',
  'abuse.webhooks:read': 'Read an ISV’s case webhook',
  'abuse.webhooks:write': 'Set or remove an ISV’s case webhook',
  'access:revoke': 'Revoke an ISV, a client, a token or a person; withdraw an ISV’s issuing right',
  'access:reinstate': 'Reinstate what was revoked',
  'rbac.policy:read': 'List permissions, roles, subjects and assignments',
  'rbac.policy:write': 'Create and change permissions and roles, assign and unassign them',
} as const satisfies Record<string, string>;

/** A permission an admin endpoint may name. */
export type AdminPermissionId = keyof typeof ADMIN_PERMISSIONS;

/** Every admin permission id, in catalogue order. */
export const ADMIN_PERMISSION_IDS = Object.keys(ADMIN_PERMISSIONS) as AdminPermissionId[];

/** A role the rbac service seeds for operators. */
export interface OperatorRole {
  readonly id: string;
  readonly description: string;
  readonly permissions: readonly AdminPermissionId[];
}

const READ_ONLY: readonly AdminPermissionId[] = ADMIN_PERMISSION_IDS.filter((id) => id.endsWith(':read'));

/**
 * The operator roles: the platform operator may do everything; the security
 * operator handles abuse (alerts, cases, revocations) and reads the rest;
 * the auditor reads. Roles are data in the rbac service: these are the
 * starting set, which operators can change like any other role.
 */
export const OPERATOR_ROLES: readonly OperatorRole[] = [
  { id: 'platform-operator', description: 'Every admin permission of the platform', permissions: ADMIN_PERMISSION_IDS },
  {
    id: 'security-operator',
    description: 'Handles abuse: alerts, cases, webhooks, revocations and reinstatements; reads everything else',
    permissions: [...READ_ONLY, 'abuse.alerts:acknowledge', 'abuse.cases:close', 'abuse.webhooks:write', 'access:revoke', 'access:reinstate'],
  },
  { id: 'auditor', description: 'Reads everything, changes nothing', permissions: READ_ONLY },
];
