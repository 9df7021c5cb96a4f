import { join } from 'node:path';
import { loadConfig, platformConfig, type Env } from '@latchkey/config';
import type { DatabaseOptions } from './database';

/**
 * The database the platform configuration names: PostgreSQL at
 * `DATABASE_URL`, or else the embedded PGlite under `LATCHKEY_DATA_DIR/pglite`
 * (the `npm start` default, kept across restarts).
 */
export function connectionFromConfig(env?: Env): DatabaseOptions {
  const config = loadConfig(platformConfig, env);
  return config.DATABASE_URL ? { url: config.DATABASE_URL } : { dataDir: join(config.LATCHKEY_DATA_DIR, 'pglite') };
}
