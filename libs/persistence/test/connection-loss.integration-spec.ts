import { openDatabase, type Database } from '../src';
import { ensureTestDatabase, testDatabaseUrl } from './support/postgres-for-tests';

const url = testDatabaseUrl();
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * A PostgreSQL connection that drops while a transaction holds it (a server restart, a failover, a network cut)
 * must fail that transaction and nothing more. The pool's own 'error' listener covers idle clients only; before
 * the fix, a checked-out client emitted 'error' with no listener and Node ended the process (the fault suite's
 * PostgreSQL outage killed the issuer that way). Jest fails a test on such an uncaught error.
 */
describe('PostgreSQL connection lost inside a transaction', () => {
  let db: Database;
  let admin: Database;
  const logged: string[] = [];

  beforeAll(async () => {
    await ensureTestDatabase(url);
    db = await openDatabase({ url, maxConnections: 2, log: { error: (message) => logged.push(message) } });
    admin = await openDatabase({ url, maxConnections: 1 });
  });

  afterAll(async () => {
    await db?.close();
    await admin?.close();
  });

  it('fails the transaction, logs the loss, and the pool serves the next query on a new connection', async () => {
    const outcome = db.transaction(async (tx) => {
      const [backend] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [backend?.pid]);
      // The connection drops while the client is checked out and between queries: its 'error' fires now.
      await sleep(500);
      await tx.query('SELECT 1');
    });
    await expect(outcome).rejects.toThrow();
    expect(logged).toContain('PostgreSQL connection failed');
    expect(await db.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
