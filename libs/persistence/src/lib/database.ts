import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/**
 * The drizzle handle data-access libs build queries with. The same type for
 * both drivers and for transactions, so a repository written against it runs
 * on PGlite and PostgreSQL, inside or outside a transaction.
 *
 * No relational schema is attached (`db.query.<table>` is not available):
 * one instance is shared by every service of a process. Use the query
 * builder (`select`, `insert`, …).
 */
export type DrizzleDb = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/** A row returned by raw SQL. */
export type SqlRow = Record<string, unknown>;

/**
 * Parametrised raw SQL, implemented by {@link Database} and {@link Transaction}.
 *
 * One statement per call, placeholders `$1..$n`, on both drivers (the
 * extended protocol is forced on node-postgres too, so a multi-statement
 * string fails everywhere rather than only on PGlite). Result types are
 * normalised: `bigint`/`bigserial` come back as strings, `timestamptz` as
 * `Date`, `json`/`jsonb` parsed. Pass `jsonb` parameters as a JSON string
 * or a plain object, never a bare array (node-postgres would send an array
 * as a PostgreSQL array literal).
 */
export interface SqlExecutor {
  query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/**
 * One open transaction. Both handles act on the same connection, so a
 * service can write its business row with `drizzle` and its outbox row with
 * `query` atomically. Using either after the transaction has finished
 * throws `PERSISTENCE.TRANSACTION_FINISHED`.
 */
export interface Transaction extends SqlExecutor {
  /** A drizzle handle bound to this transaction; its `.transaction()` opens a savepoint. */
  readonly drizzle: DrizzleDb;
  /** Runs one or more statements without parameters (simple protocol); for DDL. */
  exec(sql: string): Promise<void>;
}

/** Which engine a {@link Database} runs on. */
export type DatabaseDriver = 'postgres' | 'pglite';

/** Where the events of the database layer go. Never receives query parameters (they can hold secrets). */
export interface DatabaseLog {
  /** The SQL text of every statement (raw and drizzle). */
  query?(sql: string): void;
  /** Errors nobody awaits, e.g. an idle pooled connection dropped by the server. */
  error?(message: string, error: unknown): void;
}

/** How to reach the database; `url` wins when both are set. */
export interface DatabaseOptions {
  /** `postgres://…` or `postgresql://…`: a node-postgres pool. */
  readonly url?: string;
  /** PGlite data folder (created recursively), or `memory://` for an in-memory instance. */
  readonly dataDir?: string;
  /**
   * An initialised PGlite data folder (see `createPgliteTemplate`) copied into
   * `dataDir` when that folder is new: a 0.3 s open instead of a 3-4 s initdb.
   */
  readonly template?: string;
  /** node-postgres pool size (default 10). */
  readonly maxConnections?: number;
  readonly log?: DatabaseLog;
}

/**
 * A service's database: raw SQL, a drizzle handle, transactions. An abstract
 * class so it is both the type and the Nest injection token
 * (`constructor(private readonly db: Database)`).
 *
 * Re-entrancy rule: inside a `transaction()` callback use only the `tx`
 * handle. Calling this object's `query`, `exec`, `transaction` or `drizzle`
 * from inside the callback throws `PERSISTENCE.OUTER_HANDLE_IN_TRANSACTION`
 * on both drivers: on PGlite (one connection) it would wait for the
 * transaction that is waiting for it, forever; on PostgreSQL it would
 * silently run outside the transaction on another connection.
 */
export abstract class Database implements SqlExecutor {
  abstract readonly driver: DatabaseDriver;
  /** Drizzle handle outside any transaction (each statement autocommits). */
  abstract readonly drizzle: DrizzleDb;
  abstract query<R extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs one or more statements without parameters (simple protocol); for DDL. */
  abstract exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: commits when it resolves, rolls back and
   * rethrows when it rejects. A COMMIT the server turns into a rollback
   * (the transaction had failed and the error was swallowed) rejects too.
   */
  abstract transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Resolves when the database answers `SELECT 1`; for readiness probes. */
  abstract ping(): Promise<void>;
  /** Releases the connection(s); idempotent. */
  abstract close(): Promise<void>;
}
