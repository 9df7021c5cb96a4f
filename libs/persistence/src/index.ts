export { Database } from './lib/database';
export type {
  DatabaseDriver,
  DatabaseLog,
  DatabaseOptions,
  DrizzleDb,
  SqlExecutor,
  SqlRow,
  Transaction,
} from './lib/database';
export { openDatabase } from './lib/open-database';
export { PGLITE_MEMORY } from './lib/pglite-database';
export { createPgliteTemplate } from './lib/pglite-template';
export { DatabaseRegistry, acquireDatabase, databaseKey, databaseRegistry } from './lib/database-registry';
export { MIGRATIONS_TABLE, migrateSchema } from './lib/migrate-schema';
export type { MigrateSchemaOptions, MigrateSchemaResult } from './lib/migrate-schema';
export { defineServiceDrizzleConfig } from './lib/drizzle-kit-config';
export type { ServiceDrizzleConfig, ServiceDrizzleConfigOptions } from './lib/drizzle-kit-config';
export { defineOutboxTable, OUTBOX_TABLE, OutboxColumns } from './lib/outbox.table';
export type { OutboxTable } from './lib/outbox.table';
export { defineInboxTable, INBOX_TABLE, InboxColumns } from './lib/inbox.table';
export type { InboxTable } from './lib/inbox.table';
export { IDENTIFIER_PATTERN, isValidIdentifier, qualifiedName, quoteIdent } from './lib/quote-ident';
export { PersistenceError } from './lib/persistence.errors';
export type { PersistenceErrorCode } from './lib/persistence.errors';
export { PersistenceModule } from './lib/persistence.module';
export type { PersistenceModuleAsyncOptions, PersistenceModuleOptions } from './lib/persistence.module';
export { connectionFromConfig } from './lib/connection-from-config';
export { GroupCommit } from './lib/group-commit';
export type { GroupCommitOptions, TransactionRunner } from './lib/group-commit';
