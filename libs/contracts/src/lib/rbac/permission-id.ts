import { z } from 'zod';

/**
 * A permission: `resource:action`, e.g. `reports:read` (Casbin object `reports`, action `read`);
 * at most 127 characters, so it fits an `rbac.changed` id. Lower case only, like role ids: permissions are
 * compared exactly, so `Reports:Read` beside `reports:read` would be a second permission that looks like the first.
 * One rule for everything that names a permission: the rbac service's registry and roles, and the exchange's
 * OAuth applications, whose scopes grant permissions into internal tokens.
 */
export const PermissionId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}:[a-z0-9][a-z0-9._-]{0,62}$/, {
  message: 'resource:action: lower-case letters, digits, . _ -',
});
