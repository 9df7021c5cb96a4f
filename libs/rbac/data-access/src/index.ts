import { join } from 'node:path';

export * from './lib/rbac.table';
export { SubjectRepository, type Subject } from './lib/subject.repository';

/** The RBAC service's Postgres schema and its checked-in migrations. */
export const RBAC_SCHEMA = 'rbac';
export const RBAC_MIGRATIONS = join(__dirname, '..', 'migrations');
