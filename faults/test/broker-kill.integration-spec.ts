import { describeFault, sleep } from './support/fault-case';

/** How long the killed broker stays down before it is started again, as a crashed pod's restart takes. */
const DOWN_MS = 5_000;

/**
 * The broker killed with SIGKILL (no controlled shutdown: whatever it had not flushed is recovered from its log on
 * restart) and started again on the same port and data. Producers (the issuer's outbox relay, the face-api's use
 * events) and the audit's consumer must ride it out on their own.
 */
describeFault({
  name: 'the broker killed with SIGKILL and restarted',
  injectMs: DOWN_MS + 70_000,
  async inject({ fleet, note }) {
    await fleet.broker.kill();
    note('broker SIGKILLed');
    await sleep(DOWN_MS);
    const started = Date.now();
    await fleet.broker.resume();
    note(`broker back in ${Date.now() - started} ms`);
  },
});
