import { describeFault } from './support/fault-case';

/** The outage: PostgreSQL gone for 30 s. */
const OUTAGE_MS = 30_000;

/**
 * PostgreSQL unavailable for 30 s under load, to the services only: every connection of theirs closed and new
 * ones refused by the relay in front of it (PostgresProxy explains why that is the outage they would see; the
 * machine's server is shared by every other suite and is never stopped). Issuances and uses answered meanwhile
 * must be recorded, the others refused (503) or lost at the socket, and every pool must reconnect on its own.
 */
describeFault({
  name: 'PostgreSQL unavailable for 30 s',
  injectMs: OUTAGE_MS + 10_000,
  async inject({ fleet, note }) {
    note('PostgreSQL cut');
    await fleet.database.outage(OUTAGE_MS);
    note('PostgreSQL back');
  },
});
