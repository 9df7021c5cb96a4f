/** Metadata key of the scopes a handler (or its controller) requires: every one of them must be in the token's `scope`. */
export const REQUIRED_SCOPES = 'latchkey:rbac:requiredScopes';

/** Metadata key of the permission (`resource:action`) a handler (or its controller) requires. */
export const REQUIRED_PERMISSION = 'latchkey:rbac:requiredPermission';

/** A permission as the rbac service names them: `resource:action`, lower case (`testapi:read`, `issuer.isvs:revoke`). */
export const PERMISSION_PATTERN = /^[a-z][a-z0-9._-]{0,62}:[a-z][a-z0-9._-]{0,62}$/;
