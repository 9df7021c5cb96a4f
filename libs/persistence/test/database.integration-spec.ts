import { openDatabase } from '../src';
import { describeDatabaseContract } from './database-contract';
import { ensureTestDatabase, testDatabaseUrl } from './support/postgres-for-tests';

const url = testDatabaseUrl();

async function openPostgres() {
  await ensureTestDatabase(url);
  return openDatabase({ url });
}

// Same suite as the PGlite unit spec; here transactions really overlap, and the
// replica test uses a second pool, as two service replicas would.
describeDatabaseContract('PostgreSQL', openPostgres, {
  concurrentTransactions: true,
  openReplica: () => openDatabase({ url }),
});
