import { describeDatabaseContract } from './database-contract';
import { openPgliteForTests } from './support/pglite-for-tests';

// One PGlite instance for the whole file (initdb is slow; the template copy is not).
describeDatabaseContract('PGlite', openPgliteForTests, { concurrentTransactions: false });
