import { join } from 'node:path';

export * from './lib/face-api.table';
export { ClientResourceRepository, type ClientResource } from './lib/client-resource.repository';

/** The face-api's Postgres schema and its checked-in migrations. */
export const FACE_API_SCHEMA = 'face_api';
export const FACE_API_MIGRATIONS = join(__dirname, '..', 'migrations');
