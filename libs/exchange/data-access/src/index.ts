import { join } from 'node:path';

export * from './lib/exchange.table';
export {
  OAuthApplicationRepository,
  type NewOAuthApplication,
  type OAuthApplication,
  type OAuthApplicationChanges,
} from './lib/oauth-application.repository';
export { IdentityRepository, type Identity, type IdentityResolution, type IdentitySighting } from './lib/identity.repository';

/** The exchange's Postgres schema and its checked-in migrations. */
export const EXCHANGE_SCHEMA = 'exchange';
export const EXCHANGE_MIGRATIONS = join(__dirname, '..', 'migrations');
