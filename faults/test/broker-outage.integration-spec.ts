import { describeFault, sleep } from './support/fault-case';

/** The outage: the broker gone for a whole minute. */
const OUTAGE_MS = 60_000;

/**
 * The broker stopped (SIGTERM, a controlled shutdown) for 60 s and started again on the same port and data: longer
 * than any producer's send deadline or consumer session, so every client of Kafka meets a broker that is really
 * gone (the issuer keeps tokens in its outbox, the face-api spools or refuses uses, the audit's consumer loses its
 * group) and must come back without help.
 */
describeFault({
  name: 'the broker stopped for 60 s and started again',
  injectMs: OUTAGE_MS + 70_000,
  async inject({ fleet, note }) {
    await fleet.broker.pause();
    note('broker stopped');
    await sleep(OUTAGE_MS);
    const started = Date.now();
    await fleet.broker.resume();
    note(`broker back in ${Date.now() - started} ms`);
  },
});
