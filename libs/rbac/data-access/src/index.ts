import { join } from 'node:path';

export * from './lib/rbac.table';
export { SubjectRepository, type Assignment, type Subject, type SubjectKind } from './lib/subject.repository';
export { RoleRepository, type Role, type RoleInclusion } from './lib/role.repository';
export { PermissionRepository, type Permission } from './lib/permission.repository';
export { EndpointRepository, type Endpoint, type RegisteredEndpoint } from './lib/endpoint.repository';
export { PolicyVersionRepository } from './lib/policy-version.repository';

/** The RBAC service's Postgres schema and its checked-in migrations. */
export const RBAC_SCHEMA = 'rbac';
export const RBAC_MIGRATIONS = join(__dirname, '..', 'migrations');
