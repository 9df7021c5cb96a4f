import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** A throw-away PostgreSQL database for one test file. */
export interface ScratchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function admin<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a database of its own on the server behind `serverUrl`, so a
 * service under test can run its real migrations into its real schema names
 * without touching any other test's data; `drop()` removes it (terminating
 * connections a test left open).
 */
export async function createScratchDatabase(serverUrl: string, label: string): Promise<ScratchDatabase> {
  const name = `lk_${label.replace(/[^a-z0-9]/g, '_')}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  await admin(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
