import { join } from 'node:path';

export * from './lib/exchange.table';
export { OAuthApplicationRepository, type OAuthApplication } from './lib/oauth-application.repository';

/** The exchange's Postgres schema and its checked-in migrations. */
export const EXCHANGE_SCHEMA = 'exchange';
export const EXCHANGE_MIGRATIONS = join(__dirname, '..', 'migrations');
