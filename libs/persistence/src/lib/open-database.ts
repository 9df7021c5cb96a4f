import type { Database, DatabaseOptions } from './database';
import { PersistenceError } from './persistence.errors';
import { PGLITE_MEMORY, PgliteDatabase } from './pglite-database';
import { preparePgliteDataDir } from './pglite-template';
import { PostgresDatabase } from './postgres-database';

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * Opens a database: a node-postgres pool when `url` is set, otherwise PGlite
 * in `dataDir` (created recursively) or in memory for `memory://`.
 * Each call opens a new instance; to share one per process, use
 * `acquireDatabase`.
 *
 * The pool connects lazily: a wrong URL surfaces on the first query (call
 * `ping()` to fail fast).
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url !== undefined && options.url !== '') {
    if (!POSTGRES_URL.test(options.url)) {
      throw new PersistenceError('PERSISTENCE.INVALID_OPTIONS', 'url must start with postgres:// or postgresql://');
    }
    return PostgresDatabase.open(options.url, options);
  }
  if (options.dataDir === undefined || options.dataDir === '') {
    throw new PersistenceError('PERSISTENCE.INVALID_OPTIONS', 'either url or dataDir is required');
  }
  if (options.dataDir !== PGLITE_MEMORY) await preparePgliteDataDir(options.dataDir, options.template);
  return PgliteDatabase.open(options.dataDir, options);
}
