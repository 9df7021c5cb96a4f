import type { Logger } from 'drizzle-orm';
import type { DatabaseLog } from './database';

/** Adapts {@link DatabaseLog} to drizzle's logger, dropping the parameters (they can hold secrets). */
export function drizzleLogger(log: DatabaseLog | undefined): Logger | undefined {
  const query = log?.query;
  if (!query) return undefined;
  return { logQuery: (sql) => query.call(log, sql) };
}
