import { describeFault } from './support/fault-case';

/**
 * The issuer's outbox relay killed between the broker's acknowledgement of a batch and marking its rows published
 * (crash point `outbox.published-not-marked`, on the relay's 30th batch, under the load). The restarted issuer
 * relays the same rows again: the broker holds those events twice, with the same ids, and the audit must store each
 * once (UNIQUE(event_id)), with nothing missing. The window is microseconds wide, so the process kills itself
 * exactly there (LATCHKEY_CRASH_AT, libs/config crash-point.ts) rather than hoping a SIGKILL lands in it.
 */
describeFault({
  name: 'the outbox relay killed after the broker acknowledged, before marking the rows published',
  serviceEnv: { issuer: { LATCHKEY_CRASH_AT: 'outbox.published-not-marked@30' } },
  expectedCrashes: ['issuer'],
  injectMs: 60_000,
  async inject({ fleet, note }) {
    await fleet.issuer.crashed(60_000);
    note('issuer killed itself between the acknowledgement and the mark; its supervisor restarts it');
  },
});
