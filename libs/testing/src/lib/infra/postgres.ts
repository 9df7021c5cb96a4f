import { Client } from 'pg';

/** The PostgreSQL the machine runs for tests (trust auth), unless DATABASE_URL says otherwise. */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_DATABASE = 'latchkey_test';

/**
 * Connects to the server behind `adminUrl`, creates the test database when
 * missing, and returns its URL. Throws with a one-line reason when the server
 * cannot be reached.
 */
export async function ensureTestDatabase(adminUrl: string = DEFAULT_ADMIN_URL): Promise<string> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(adminUrl);
    throw new Error(`PostgreSQL not reachable at ${where.hostname}:${where.port || 5432} (${(error as Error).message})`);
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEST_DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${TEST_DATABASE}`);
  } catch (error) {
    // Two runs racing to create it: the loser sees a duplicate, which is fine.
    if (!/already exists/.test((error as Error).message)) throw error;
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${TEST_DATABASE}`;
  return url.toString();
}
