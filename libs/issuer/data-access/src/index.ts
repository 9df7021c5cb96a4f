import { join } from 'node:path';

export * from './lib/issuer.table';
export { IsvRepository, type Isv, type IsvChanges } from './lib/isv.repository';
export {
  SubscriptionKeyRepository,
  type KeySlot,
  type NewSubscriptionKey,
  type StoredSubscriptionKey,
} from './lib/subscription-key.repository';
export { SigningKeyRepository, type StoredSigningKey } from './lib/signing-key.repository';
export { IssuanceRepository, type IssuanceRecord, type ClientSummary } from './lib/issuance.repository';

/** The issuer's Postgres schema and its checked-in migrations. */
export const ISSUER_SCHEMA = 'issuer';
export const ISSUER_MIGRATIONS = join(__dirname, '..', 'migrations');
