import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PersistenceError } from './persistence.errors';

/** One migration as drizzle-kit wrote it. */
export interface MigrationFile {
  /** File name without `.sql`, e.g. `0000_brave_hulk`. */
  readonly tag: string;
  /** The journal's `when`: drizzle orders and skips migrations by it. */
  readonly createdAt: number;
  /** sha256 of the file, as drizzle's own migrator records it. */
  readonly hash: string;
  readonly statements: readonly string[];
}

const Journal = z.object({
  entries: z.array(
    z.object({
      tag: z.string().regex(/^[A-Za-z0-9_-]+$/, 'a file name without path'),
      when: z.number().int(),
    }),
  ),
});

/** Reads `<folder>/meta/_journal.json` and the SQL files it lists, in journal order. */
export function readMigrationFiles(migrationsFolder: string): MigrationFile[] {
  const journalPath = join(migrationsFolder, 'meta', '_journal.json');
  let journal: z.infer<typeof Journal>;
  try {
    journal = Journal.parse(JSON.parse(readFileSync(journalPath, 'utf8')));
  } catch (error) {
    throw new PersistenceError('PERSISTENCE.MIGRATION_FAILED', 'cannot read the migrations journal', { journalPath }, { cause: error });
  }
  return journal.entries.map(({ tag, when }) => {
    const text = readFileSync(join(migrationsFolder, `${tag}.sql`), 'utf8');
    return {
      tag,
      createdAt: when,
      hash: createHash('sha256').update(text).digest('hex'),
      statements: text.split('--> statement-breakpoint'),
    };
  });
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Adapts one generated statement to the runner:
 * - drizzle-kit writes `CREATE SCHEMA "x";` without IF NOT EXISTS, but the
 *   runner has already created the schema (the journal lives in it), so it
 *   becomes `CREATE SCHEMA IF NOT EXISTS "x";`.
 * - with `from` ≠ `to`, the schema qualifiers drizzle-kit writes (`"from".` and
 *   `SCHEMA "from"`) are renamed to `to`. drizzle-kit always quotes
 *   identifiers, so only exact quoted occurrences change.
 */
export function rewriteStatement(statement: string, from: string, to: string): string {
  let out = statement.replace(/^((?:\s|--[^\n]*\n)*CREATE\s+SCHEMA\s+)(?!IF\s+NOT\s+EXISTS\b)/i, '$1IF NOT EXISTS ');
  if (from !== to) {
    const quoted = escapeRegExp(`"${from}"`);
    out = out
      .replace(new RegExp(`${quoted}(?=\\s*\\.)`, 'g'), `"${to}"`)
      .replace(new RegExp(`(\\bSCHEMA\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?)${quoted}`, 'gi'), `$1"${to}"`);
  }
  return out;
}
