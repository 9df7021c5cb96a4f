import { describeFault } from './support/fault-case';

/**
 * The audit consumer killed after its insert committed and before its Kafka offset commit (crash point
 * `consumer.handled-not-committed`, on its 60th handled chunk, under the load). The restarted audit is handed the
 * same events again from the last committed offset: each must be stored once (the insert and the chain step are one
 * transaction keyed by event id), the chain must stay verifiable, and nothing after them may be skipped.
 */
describeFault({
  name: 'the audit consumer killed after its insert, before its offset commit',
  serviceEnv: { audit: { LATCHKEY_CRASH_AT: 'consumer.handled-not-committed@60' } },
  expectedCrashes: ['audit'],
  injectMs: 60_000,
  async inject({ fleet, note }) {
    await fleet.audit.crashed(60_000);
    note('audit killed itself between its insert and its offset commit; its supervisor restarts it');
  },
});
