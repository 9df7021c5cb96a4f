import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteTemplate, type Database, openDatabase } from '../../src';

/**
 * One initialised PGlite folder per machine and PGlite build (keyed by the
 * installed bundle's size and mtime), copied for each test file: ~0.3 s per
 * open instead of a 3-4 s initdb.
 */
function templateDir(): string {
  const bundle = statSync(require.resolve('@electric-sql/pglite'));
  return join(tmpdir(), `latchkey-pglite-template-${bundle.size}-${Math.floor(bundle.mtimeMs)}`);
}

/** A PGlite database in a fresh temporary folder; closing it deletes the folder. */
export async function openPgliteForTests(): Promise<Database> {
  await createPgliteTemplate(templateDir());
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-pglite-'));
  const db = await openDatabase({ dataDir, template: templateDir() });
  const close = db.close.bind(db);
  let closed: Promise<void> | undefined;
  db.close = () => (closed ??= close().then(() => rm(dataDir, { recursive: true, force: true })));
  return db;
}
