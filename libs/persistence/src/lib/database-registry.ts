import { resolve } from 'node:path';
import { Database, type DatabaseOptions, type DrizzleDb, type SqlRow, type Transaction } from './database';
import { openDatabase } from './open-database';
import { PersistenceError } from './persistence.errors';
import { PGLITE_MEMORY } from './pglite-database';

interface Entry {
  refs: number;
  readonly database: Promise<Database>;
}

/** The key a shared instance is registered under: the URL, or the resolved PGlite folder. */
export function databaseKey(options: DatabaseOptions): string {
  if (options.url) return `url:${options.url}`;
  if (options.dataDir === PGLITE_MEMORY) return `pglite:${PGLITE_MEMORY}`;
  if (options.dataDir) return `pglite:${resolve(options.dataDir)}`;
  throw new PersistenceError('PERSISTENCE.INVALID_OPTIONS', 'either url or dataDir is required');
}

/**
 * Shares one database instance per URL or data folder among the holders of a
 * process (TOOLCHAIN.md: one PGlite instance is heavy; the standalone process
 * runs six services on one instance, a schema each). Each `acquire` returns a
 * lease; closing the lease releases it, and the instance closes with the last
 * lease. The first holder's options (log, pool size) win.
 *
 * Re-opening a key while its previous instance is still closing waits for
 * that close, so two PGlite instances never own one folder at once.
 */
export class DatabaseRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly closing = new Map<string, Promise<void>>();

  constructor(private readonly open: (options: DatabaseOptions) => Promise<Database> = openDatabase) {}

  async acquire(options: DatabaseOptions): Promise<Database> {
    const key = databaseKey(options);
    let entry = this.entries.get(key);
    if (!entry) {
      const previousClose = this.closing.get(key) ?? Promise.resolve();
      const created: Entry = { refs: 0, database: previousClose.then(() => this.open(options)) };
      created.database.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
      this.entries.set(key, created);
      entry = created;
    }
    entry.refs++;
    let database: Database;
    try {
      database = await entry.database;
    } catch (error) {
      entry.refs--;
      throw error;
    }
    const held = entry;
    return new DatabaseLease(database, () => this.release(key, held));
  }

  /** How many leases are open on `options`' instance (0 when none is open). */
  holders(options: DatabaseOptions): number {
    return this.entries.get(databaseKey(options))?.refs ?? 0;
  }

  private async release(key: string, entry: Entry): Promise<void> {
    entry.refs--;
    if (entry.refs > 0) return;
    if (this.entries.get(key) === entry) this.entries.delete(key);
    const closed = entry.database.then((database) => database.close());
    const settled = closed.catch(() => undefined);
    this.closing.set(key, settled);
    void settled.then(() => {
      if (this.closing.get(key) === settled) this.closing.delete(key);
    });
    await closed;
  }
}

/**
 * One holder's view of a shared {@link Database}: everything delegates, except
 * `close()`, which releases this lease once (idempotent) and closes the
 * instance when it was the last.
 */
class DatabaseLease extends Database {
  private released: Promise<void> | undefined;

  constructor(
    private readonly shared: Database,
    private readonly release: () => Promise<void>,
  ) {
    super();
  }

  get driver() {
    return this.shared.driver;
  }

  get drizzle(): DrizzleDb {
    this.assertHeld('drizzle');
    return this.shared.drizzle;
  }

  async query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<R[]> {
    this.assertHeld('query');
    return this.shared.query<R>(text, params);
  }

  async exec(sql: string): Promise<void> {
    this.assertHeld('exec');
    return this.shared.exec(sql);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.assertHeld('transaction');
    return this.shared.transaction(fn);
  }

  async ping(): Promise<void> {
    this.assertHeld('ping');
    return this.shared.ping();
  }

  close(): Promise<void> {
    this.released ??= this.release();
    return this.released;
  }

  private assertHeld(operation: string): void {
    if (this.released) throw new PersistenceError('PERSISTENCE.CLOSED', 'this database handle was closed', { operation });
  }
}

/** The registry of this process. */
export const databaseRegistry = new DatabaseRegistry();

/** A lease on this process's shared instance for `options` (see {@link DatabaseRegistry}). */
export function acquireDatabase(options: DatabaseOptions): Promise<Database> {
  return databaseRegistry.acquire(options);
}
