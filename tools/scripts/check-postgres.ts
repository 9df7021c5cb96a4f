/**
 * Checks that PostgreSQL is reachable and that the test database exists.
 *
 *   npx tsx tools/scripts/check-postgres.ts
 *
 * Server: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres (trust
 * auth). Creates `latchkey_test` when missing and prints
 * `DATABASE_URL=<url of latchkey_test>` as the last stdout line. Exits 1 with a
 * one-line reason on stderr when the server cannot be reached.
 */
import {
  DEFAULT_ADMIN_URL,
  ensureTestDatabase,
} from '../../libs/testing/src/lib/infra/postgres';

/**
 * DATABASE_URL may already name the test database, which may not exist yet;
 * creating it needs a connection to a database that always does.
 */
function adminUrlOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** Never print a password that DATABASE_URL may carry. */
function redact(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

async function main(): Promise<void> {
  const given = process.env['DATABASE_URL'] || DEFAULT_ADMIN_URL;
  let adminUrl: string;
  try {
    adminUrl = adminUrlOf(given);
  } catch {
    throw new Error('DATABASE_URL is not a valid URL');
  }
  const testUrl = await ensureTestDatabase(adminUrl);
  process.stderr.write(`PostgreSQL reachable; test database ready at ${redact(testUrl)}\n`);
  console.log(`DATABASE_URL=${testUrl}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    const reason = err instanceof Error ? err.message : String(err);
    process.stderr.write(`check-postgres: ${reason.split('\n')[0]}\n`);
    process.exit(1);
  },
);
