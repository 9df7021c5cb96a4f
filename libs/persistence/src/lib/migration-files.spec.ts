import { join } from 'node:path';
import { readMigrationFiles as drizzleReadMigrationFiles } from 'drizzle-orm/migrator';
import { readMigrationFiles, rewriteStatement } from './migration-files';

const FIXTURE_MIGRATIONS = join(__dirname, '..', '..', 'test', 'fixtures', 'migrations');

describe(readMigrationFiles.name, () => {
  it('reads the journal in order with the hashes and statements drizzle records', () => {
    const ours = readMigrationFiles(FIXTURE_MIGRATIONS);
    const drizzles = drizzleReadMigrationFiles({ migrationsFolder: FIXTURE_MIGRATIONS });
    expect(ours.map((m) => m.tag)).toEqual(['0000_widgets', '0001_widget_colour']);
    expect(ours.map((m) => [m.hash, m.createdAt, m.statements])).toEqual(
      drizzles.map((m) => [m.hash, m.folderMillis, m.sql]),
    );
  });

  it('fails with a persistence error when the folder has no journal', () => {
    expect(() => readMigrationFiles(__dirname)).toThrow(expect.objectContaining({ code: 'PERSISTENCE.MIGRATION_FAILED' }));
  });
});

describe(rewriteStatement.name, () => {
  it('makes drizzle-kit CREATE SCHEMA idempotent', () => {
    expect(rewriteStatement('CREATE SCHEMA "issuer";\n', 'issuer', 'issuer')).toBe('CREATE SCHEMA IF NOT EXISTS "issuer";\n');
    expect(rewriteStatement('\n-- custom\nCREATE SCHEMA "a";', 'a', 'a')).toBe('\n-- custom\nCREATE SCHEMA IF NOT EXISTS "a";');
    expect(rewriteStatement('CREATE SCHEMA IF NOT EXISTS "a";', 'a', 'a')).toBe('CREATE SCHEMA IF NOT EXISTS "a";');
  });

  it('leaves statements alone when the schema is not renamed', () => {
    const statement = 'CREATE TABLE "fixture"."widgets" ("fixture" text);';
    expect(rewriteStatement(statement, 'fixture', 'fixture')).toBe(statement);
  });

  it('renames schema qualifiers but not a column of the same name', () => {
    expect(
      rewriteStatement(
        'ALTER TABLE "fixture"."a" ADD CONSTRAINT "a_b_fk" FOREIGN KEY ("fixture") REFERENCES "fixture"."b"("id");',
        'fixture',
        't_1',
      ),
    ).toBe('ALTER TABLE "t_1"."a" ADD CONSTRAINT "a_b_fk" FOREIGN KEY ("fixture") REFERENCES "t_1"."b"("id");');
    expect(rewriteStatement('CREATE SCHEMA "fixture";', 'fixture', 't_1')).toBe('CREATE SCHEMA IF NOT EXISTS "t_1";');
    expect(rewriteStatement('CREATE TYPE "fixture"."state" AS ENUM(\'a\');', 'fixture', 't_1')).toBe(
      'CREATE TYPE "t_1"."state" AS ENUM(\'a\');',
    );
  });
});
