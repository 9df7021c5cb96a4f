import { describeFault } from './support/fault-case';

/**
 * The issuer killed right after an issuance and its `lat.issued` event committed, before the token was answered
 * (crash point `issuer.committed-not-answered`, on the 30th issuance, under the load). The client of that request
 * (and of any other in flight) gets no answer; the committed token's `lat.issued` is in the store, which the
 * reconciliation accepts only for an issuance whose answer was lost (faults/test/support/reconcile.ts). Every token
 * a client did get has exactly one row, as in every case.
 */
describeFault({
  name: 'the issuer killed after the issuance committed, before the answer',
  serviceEnv: { issuer: { LATCHKEY_CRASH_AT: 'issuer.committed-not-answered@30' } },
  expectedCrashes: ['issuer'],
  injectMs: 60_000,
  async inject({ fleet, note }) {
    await fleet.issuer.crashed(60_000);
    note('issuer killed itself between the commit and the answer; its supervisor restarts it');
  },
  async verify(_ctx, ledger) {
    // The request the crash cut off got no answer: the case hit its window with a client waiting.
    expect(ledger.lostIssuances.length).toBeGreaterThanOrEqual(1);
  },
});
