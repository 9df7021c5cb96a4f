import { Client } from 'pg';

const FALLBACK_URL = 'postgres://postgres@127.0.0.1:5432/latchkey_test';

/**
 * The PostgreSQL the integration tier runs against: the URL libs/testing's
 * global setup publishes (LATCHKEY_TEST_DATABASE_URL), else DATABASE_URL,
 * else the local default.
 */
export function testDatabaseUrl(): string {
  // Tests locate infrastructure from the environment before any app config
  // exists; a platform lib cannot import libs/testing (tag rules), so read it here.
  // eslint-disable-next-line no-restricted-syntax
  const env = process.env;
  return env['LATCHKEY_TEST_DATABASE_URL'] || env['DATABASE_URL'] || FALLBACK_URL;
}

/** Creates the URL's database when missing (tolerating a concurrent creator). */
export async function ensureTestDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // duplicate_database: another run created it first
      });
    }
  } finally {
    await client.end();
  }
}
