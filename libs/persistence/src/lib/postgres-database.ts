import { drizzle } from 'drizzle-orm/node-postgres';
import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import { Pool, type PoolClient, type QueryConfig, type QueryResult } from 'pg';
import { Database, type DatabaseOptions, type DrizzleDb, type SqlRow, type Transaction } from './database';
import { drizzleLogger } from './drizzle-logger';
import { PersistenceError } from './persistence.errors';
import { guardMethods, TransactionScope } from './transaction-scope';

type Queryable = Pick<Pool, 'query'> | Pick<PoolClient, 'query'>;

/**
 * Forces the extended protocol even without parameters, so node-postgres
 * refuses multi-statement strings exactly like PGlite does (`queryMode` is a
 * pg ≥ 8.12 option missing from @types/pg).
 */
async function runQuery<R extends SqlRow>(on: Queryable, text: string, params: readonly unknown[] = []): Promise<R[]> {
  const config: QueryConfig & { queryMode: 'extended' } = { text, values: [...params], queryMode: 'extended' };
  const result: QueryResult<R> = await on.query<R>(config);
  return result.rows;
}

/** {@link Database} over a node-postgres pool. */
export class PostgresDatabase extends Database {
  readonly driver = 'postgres' as const;
  readonly drizzle: DrizzleDb;
  private readonly dialect = new PgDialect();
  private readonly scope = new TransactionScope();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly options: DatabaseOptions,
  ) {
    super();
    const guarded = guardMethods(pool, ['query', 'connect'], () => this.assertUsable('drizzle'));
    this.drizzle = drizzle({ client: guarded, logger: drizzleLogger(options.log) });
  }

  static open(url: string, options: DatabaseOptions): PostgresDatabase {
    const pool = new Pool({ connectionString: url, max: options.maxConnections ?? 10 });
    // Without a listener, a server-side disconnect of an idle client crashes the process.
    pool.on('error', (error) => options.log?.error?.('idle PostgreSQL connection failed', error));
    // The pool's listener covers idle clients only. A checked-out client (a transaction, drizzle's or ours) whose
    // connection drops between two queries emits 'error' with nobody listening, and Node ends the process: the
    // fault suite's PostgreSQL outage killed the issuer that way. Its next query fails (and a failed client is
    // destroyed on release), which is where the error belongs.
    pool.on('connect', (client) => {
      client.on('error', (error) => options.log?.error?.('PostgreSQL connection failed', error));
    });
    return new PostgresDatabase(pool, options);
  }

  async query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<R[]> {
    this.assertUsable('query');
    this.options.log?.query?.(text);
    return runQuery<R>(this.pool, text, params);
  }

  async exec(sql: string): Promise<void> {
    this.assertUsable('exec');
    this.options.log?.query?.(sql);
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    this.assertUsable('transaction');
    const client = await this.pool.connect();
    let finished = false;
    const assertOpen = () => {
      if (finished) throw new PersistenceError('PERSISTENCE.TRANSACTION_FINISHED', 'the transaction has already finished');
    };
    const log = this.options.log;
    // The tx-bound drizzle is a NodePgTransaction (not a database bound to the
    // client), so its own .transaction() nests with a SAVEPOINT instead of a
    // second BEGIN that would commit ours early.
    const session = new NodePgSession(guardMethods(client, ['query'], assertOpen), this.dialect, undefined, {
      logger: drizzleLogger(log),
    });
    const tx: Transaction = {
      drizzle: new NodePgTransaction(this.dialect, session, undefined),
      query: async <R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]) => {
        assertOpen();
        log?.query?.(text);
        return runQuery<R>(client, text, params);
      },
      exec: async (sql: string) => {
        assertOpen();
        log?.query?.(sql);
        await client.query(sql);
      },
    };
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      let result: T;
      try {
        result = await this.scope.run(() => fn(tx));
      } finally {
        finished = true;
      }
      const commit = await client.query('COMMIT');
      // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK and no error.
      if (commit.command === 'ROLLBACK') {
        throw new PersistenceError('PERSISTENCE.TRANSACTION_ABORTED', 'COMMIT rolled back a transaction in which a statement had failed');
      }
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      // A client whose ROLLBACK failed is in an unknown state: destroy it.
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  private assertUsable(operation: string): void {
    if (this.closing) throw new PersistenceError('PERSISTENCE.CLOSED', 'the database is closed', { operation });
    this.scope.assertOutside(operation);
  }
}
