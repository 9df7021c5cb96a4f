/**
 * The slice of @latchkey/persistence the outbox and inbox need: parametrised
 * SQL and transactions. Declared structurally so this lib depends on a
 * capability, not on a driver.
 */
export interface SqlRunner {
  query<R extends Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/** A database that can run a unit of work in one transaction. */
export interface TransactionalSql extends SqlRunner {
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

const IDENT = /^[a-z][a-z0-9_]{0,62}$/;

/** Quotes a schema name after checking it is a plain identifier (it is interpolated into SQL). */
export function schemaIdent(schema: string): string {
  if (!IDENT.test(schema)) throw new Error(`invalid schema name: ${JSON.stringify(schema)}`);
  return `"${schema}"`;
}
