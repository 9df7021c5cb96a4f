import { PGlite, TransactionAbortedError, types, type Transaction as PgliteTx } from '@electric-sql/pglite';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle, PgliteSession, PgliteTransaction } from 'drizzle-orm/pglite';
import { Database, type DatabaseOptions, type DrizzleDb, type SqlRow, type Transaction } from './database';
import { drizzleLogger } from './drizzle-logger';
import { PersistenceError } from './persistence.errors';
import { guardMethods, TransactionScope } from './transaction-scope';

/** `memory://`: an in-memory PGlite, gone on close. */
export const PGLITE_MEMORY = 'memory://';

/**
 * node-postgres returns int8 as a string; PGlite as a number or a BigInt
 * depending on magnitude. Strings on both, so raw SQL results look the same
 * on either driver (drizzle converts per column mode anyway).
 */
const PARSERS = { [types.INT8]: (value: string) => value };

/**
 * {@link Database} over one embedded PGlite instance.
 *
 * PGlite is a single connection. Its own locks already serialize correctly:
 * `query`/`exec` outside a transaction take the instance's transaction mutex,
 * so they wait until a running `transaction()` commits or rolls back and never
 * interleave with its statements; statements inside the transaction take only
 * the query mutex. We add nothing to that ordering; we only refuse (see
 * `Database`) the outer-handle-inside-the-callback case, which with those
 * locks is a deadlock.
 */
export class PgliteDatabase extends Database {
  readonly driver = 'pglite' as const;
  readonly drizzle: DrizzleDb;
  private readonly dialect = new PgDialect();
  private readonly scope = new TransactionScope();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pglite: PGlite,
    private readonly options: DatabaseOptions,
  ) {
    super();
    const guarded = guardMethods(pglite, ['query', 'exec', 'transaction'], () => this.assertUsable('drizzle'));
    this.drizzle = drizzle({ client: guarded, logger: drizzleLogger(options.log) });
  }

  /** Opens (initialising it when new) the data folder `dataDir`, or an in-memory instance. */
  static async open(dataDir: string, options: DatabaseOptions): Promise<PgliteDatabase> {
    const pglite = await PGlite.create(dataDir, { parsers: PARSERS });
    return new PgliteDatabase(pglite, options);
  }

  async query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<R[]> {
    this.assertUsable('query');
    this.options.log?.query?.(text);
    const result = await this.pglite.query<R>(text, params ? [...params] : undefined);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    this.assertUsable('exec');
    this.options.log?.query?.(sql);
    await this.pglite.exec(sql);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.assertUsable('transaction');
    const log = this.options.log;
    try {
      return await this.pglite.transaction(async (raw) => {
        let finished = false;
        const ptx: PgliteTx = guardMethods(raw, ['query', 'exec', 'sql'], () => {
          if (finished) throw new PersistenceError('PERSISTENCE.TRANSACTION_FINISHED', 'the transaction has already finished');
        });
        // A PgliteTransaction, not a database over `ptx`: nested drizzle
        // .transaction() calls become savepoints.
        const session = new PgliteSession(ptx, this.dialect, undefined, { logger: drizzleLogger(log) });
        const tx: Transaction = {
          drizzle: new PgliteTransaction(this.dialect, session, undefined),
          query: async <R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]) => {
            log?.query?.(text);
            return (await ptx.query<R>(text, params ? [...params] : undefined)).rows;
          },
          exec: async (sql: string) => {
            log?.query?.(sql);
            await ptx.exec(sql);
          },
        };
        try {
          return await this.scope.run(() => fn(tx));
        } finally {
          finished = true;
        }
      });
    } catch (error) {
      if (error instanceof TransactionAbortedError) {
        throw new PersistenceError(
          'PERSISTENCE.TRANSACTION_ABORTED',
          'COMMIT rolled back a transaction in which a statement had failed',
          {},
          { cause: error },
        );
      }
      throw error;
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  close(): Promise<void> {
    this.closing ??= this.pglite.close();
    return this.closing;
  }

  private assertUsable(operation: string): void {
    if (this.closing) throw new PersistenceError('PERSISTENCE.CLOSED', 'the database is closed', { operation });
    this.scope.assertOutside(operation);
  }
}
