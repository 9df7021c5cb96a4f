import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteTemplate, type Database, migrateSchema, openDatabase } from '@latchkey/persistence';

/** One service's schema and its drizzle-kit migrations folder (`<SVC>_SCHEMA`, `<SVC>_MIGRATIONS`). */
export interface MigratedService {
  readonly schema: string;
  readonly migrationsFolder: string;
}

/**
 * One initialised PGlite folder per machine and PGlite build (keyed by the
 * installed bundle's size and mtime, so an upgrade never reuses an old
 * cluster), shared by every test file and jest worker: initdb takes 3-6 s,
 * copying its result a fraction of that.
 */
function templateDir(): string {
  const bundle = statSync(require.resolve('@electric-sql/pglite'));
  return join(tmpdir(), `latchkey-pglite-template-${bundle.size}-${Math.floor(bundle.mtimeMs)}`);
}

/**
 * A PGlite database of its own, in a fresh temporary folder copied from the
 * shared template, with each service's real migrations applied to its real
 * schema. Closing it deletes the folder; a failed migration closes it and
 * rethrows.
 */
export async function openMigratedPglite(services: readonly MigratedService[]): Promise<Database> {
  const template = templateDir();
  await createPgliteTemplate(template);
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-pglite-'));
  const db = await openDatabase({ dataDir, template });
  const close = db.close.bind(db);
  let closed: Promise<void> | undefined;
  db.close = () => (closed ??= close().then(() => rm(dataDir, { recursive: true, force: true })));
  try {
    for (const service of services) {
      await migrateSchema(db, { schema: service.schema, migrationsFolder: service.migrationsFolder });
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
