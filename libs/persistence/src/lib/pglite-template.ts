import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/** A folder holds an initialised PGlite cluster when it has PG_VERSION. */
function isInitialised(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Makes sure `templateDir` holds a freshly initialised, cleanly closed PGlite
 * data folder (initdb takes 3-4 s; copying the result takes ~0.2 s). Safe
 * when several processes (jest workers) race: each initialises into its own
 * temporary folder and the first atomic rename wins.
 */
export async function createPgliteTemplate(templateDir: string): Promise<void> {
  if (isInitialised(templateDir)) return;
  await mkdir(dirname(templateDir), { recursive: true });
  const scratch = `${templateDir}.tmp-${process.pid}-${randomUUID()}`;
  const pglite = await PGlite.create(scratch);
  await pglite.close();
  try {
    await rename(scratch, templateDir);
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    if (!isInitialised(templateDir)) throw error;
  }
}

/** Prepares `dataDir` for PGlite: created recursively, seeded from `template` when new. */
export async function preparePgliteDataDir(dataDir: string, template: string | undefined): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (template === undefined || isInitialised(dataDir)) return;
  if ((await readdir(dataDir)).length > 0) return; // not ours to overwrite; PGlite will report what it finds
  await cp(template, dataDir, { recursive: true });
}
