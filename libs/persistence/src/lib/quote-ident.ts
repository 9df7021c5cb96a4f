import { PersistenceError } from './persistence.errors';

/**
 * What a schema (or table) name interpolated into raw SQL may look like: lower
 * case, starting with a letter, at most 63 bytes (PostgreSQL's NAMEDATALEN - 1).
 * Deliberately narrower than what PostgreSQL accepts, so that quoting is a
 * formality and no input can break out of the identifier.
 */
export const IDENTIFIER_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/** True when `name` matches {@link IDENTIFIER_PATTERN}. */
export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER_PATTERN.test(name);
}

/**
 * Validates `name` against {@link IDENTIFIER_PATTERN} and returns it double-quoted
 * (`issuer` → `"issuer"`), ready to interpolate into raw SQL.
 * @throws PersistenceError `PERSISTENCE.INVALID_IDENTIFIER` for anything else.
 */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || !isValidIdentifier(name)) {
    throw new PersistenceError('PERSISTENCE.INVALID_IDENTIFIER', 'not a valid SQL identifier', {
      // JSON.stringify keeps control characters visible in logs; truncated to bound log size.
      identifier: JSON.stringify(String(name)).slice(0, 80),
    });
  }
  return `"${name}"`;
}

/** Table names may also start with an underscore (drizzle's `__drizzle_migrations`). */
const TABLE_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `"schema"."table"`: the schema validated by {@link quoteIdent}, the table
 * by the same rule except that it may start with an underscore.
 */
export function qualifiedName(schema: string, table: string): string {
  if (typeof table !== 'string' || !TABLE_PATTERN.test(table)) quoteIdent(table);
  return `${quoteIdent(schema)}."${table}"`;
}
