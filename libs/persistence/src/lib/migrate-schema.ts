import type { Database } from './database';
import { readMigrationFiles, rewriteStatement } from './migration-files';
import { PersistenceError } from './persistence.errors';
import { quoteIdent } from './quote-ident';

/** The journal table, kept inside each service's own schema (same layout as drizzle's migrator). */
export const MIGRATIONS_TABLE = '__drizzle_migrations';

/** First key of the advisory lock that serialises migration runs ('LKMG'); the second is hashtext(schema). */
const MIGRATION_LOCK_CLASS = 0x4c4b4d47;

export interface MigrateSchemaOptions {
  /** The service's schema: created if missing, holds the journal. */
  readonly schema: string;
  /** drizzle-kit's `out` folder (`meta/_journal.json` plus `NNNN_name.sql`). */
  readonly migrationsFolder: string;
  /**
   * The schema name baked into the generated SQL, when it differs from
   * `schema`: its qualifiers are renamed so tests can apply a service's
   * migrations into a per-run schema. Defaults to `schema`.
   */
  readonly generatedSchema?: string;
}

export interface MigrateSchemaResult {
  readonly schema: string;
  /** Tags of the migrations this run applied (empty when already up to date). */
  readonly applied: readonly string[];
}

/**
 * Applies drizzle-kit generated migrations to one service's schema, on either
 * driver, in ONE transaction (all pending migrations or none):
 *
 * 1. `pg_advisory_xact_lock` keyed by the schema name, so replicas starting
 *    together run one after the other (the second finds nothing to do);
 * 2. `CREATE SCHEMA IF NOT EXISTS`, then the journal table
 *    `"<schema>"."__drizzle_migrations"`;
 * 3. every migration whose journal `when` is newer than the last recorded one
 *    (drizzle's own rule, and its journal layout, so drizzle-kit and this
 *    runner agree on what has been applied).
 *
 * It does not use drizzle's migrators because their schema and journal
 * statements run outside the transaction (two replicas race on CREATE
 * SCHEMA) and drizzle-kit's `CREATE SCHEMA "x"` fails once the journal schema
 * exists (see {@link rewriteStatement}). Statements run with the simple
 * protocol, so a hand-written chunk may hold several; `CREATE INDEX
 * CONCURRENTLY` cannot run (it refuses transactions).
 */
export async function migrateSchema(db: Database, options: MigrateSchemaOptions): Promise<MigrateSchemaResult> {
  const schema = quoteIdent(options.schema).slice(1, -1);
  const generated = quoteIdent(options.generatedSchema ?? options.schema).slice(1, -1);
  const migrations = readMigrationFiles(options.migrationsFolder);
  const journal = `"${schema}"."${MIGRATIONS_TABLE}"`;

  const applied = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int4, hashtext($2::text))', [MIGRATION_LOCK_CLASS, schema]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS ${journal} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
    const [last] = await tx.query<{ created_at: string | null }>(
      `SELECT created_at FROM ${journal} ORDER BY created_at DESC LIMIT 1`,
    );
    const lastCreatedAt = last?.created_at == null ? Number.NEGATIVE_INFINITY : Number(last.created_at);
    const tags: string[] = [];
    for (const migration of migrations) {
      if (migration.createdAt <= lastCreatedAt) continue;
      for (const [index, statement] of migration.statements.entries()) {
        const text = rewriteStatement(statement, generated, schema);
        if (text.trim() === '') continue;
        try {
          await tx.exec(text);
        } catch (error) {
          throw new PersistenceError(
            'PERSISTENCE.MIGRATION_FAILED',
            `migration ${migration.tag} failed in schema ${schema}: ${(error as Error).message}`,
            { schema, migration: migration.tag, statement: index },
            { cause: error },
          );
        }
      }
      await tx.query(`INSERT INTO ${journal} (hash, created_at) VALUES ($1, $2)`, [migration.hash, migration.createdAt]);
      tags.push(migration.tag);
    }
    return tags;
  });
  return { schema, applied };
}
