import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA } from '../index';
import { RevocationLedgerRepository, type RevocationEntry } from './revocation-ledger.repository';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;

describe(RevocationLedgerRepository.name, () => {
  let db: Database;
  let ledger: RevocationLedgerRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    ledger = new RevocationLedgerRepository(db);
  });

  afterAll(() => db.close());

  function clientRevocation(isvId: string, overrides: Partial<RevocationEntry> = {}): RevocationEntry {
    const resourceId = `/subscriptions/x/resourcegroups/rg/accounts/${randomUUID()}`;
    return {
      subjectKey: `isv-client:${isvId}:${resourceId}`,
      subjectKind: 'isv-client',
      isvId,
      resourceId,
      action: 'revoke',
      reason: 'ABUSE.FOREIGN_RESOURCE',
      actor: 'rule:foreign-resource',
      alertId: randomUUID(),
      notBefore: T0,
      eventId: randomUUID(),
      createdAt: T0,
      ...overrides,
    };
  }

  const record = (entry: RevocationEntry) => db.transaction((tx) => ledger.record(tx, entry));
  const countSince = (isvId: string, since: Date) => db.transaction((tx) => ledger.clientRevocationsSince(tx, isvId, since));

  it('records a revocation once per alert and subject', async () => {
    const entry = clientRevocation('isv-once');

    await expect(record(entry)).resolves.toBe(true);
    await expect(record({ ...entry, eventId: randomUUID() })).resolves.toBe(false);
    await expect(record({ ...entry, alertId: randomUUID(), eventId: randomUUID() })).resolves.toBe(true);
  });

  it('records every reinstatement and every revocation without an alert', async () => {
    const entry = clientRevocation('isv-manual', { alertId: null });

    await expect(record(entry)).resolves.toBe(true);
    await expect(record({ ...entry, eventId: randomUUID() })).resolves.toBe(true);
    await expect(record({ ...entry, action: 'reinstate', actor: 'operator', eventId: randomUUID() })).resolves.toBe(true);
  });

  it('counts the ISV’s client revocations made since the given time', async () => {
    const isv = `isv-${randomUUID()}`;
    await record(clientRevocation(isv, { createdAt: new Date(T0.getTime() - 8 * DAY) }));
    await record(clientRevocation(isv, { createdAt: new Date(T0.getTime() - 6 * DAY) }));
    await record(clientRevocation(isv, { createdAt: T0 }));
    await record(clientRevocation(`other-${isv}`, { createdAt: T0 }));

    // Neither a client the ISV blocked itself nor one an operator revoked counts against the ISV.
    await record(clientRevocation(isv, { createdAt: T0, alertId: null, actor: `isv:${isv}` }));
    await record(clientRevocation(isv, { createdAt: T0, alertId: null, actor: 'operator:alice' }));

    await expect(countSince(isv, new Date(T0.getTime() - 7 * DAY))).resolves.toBe(2);
  });

  it('counts again from zero after the ISV itself was revoked or reinstated', async () => {
    const isv = `isv-${randomUUID()}`;
    await record(clientRevocation(isv, { createdAt: new Date(T0.getTime() - 2 * DAY) }));
    await record({
      ...clientRevocation(isv),
      subjectKey: `isv:${isv}`,
      subjectKind: 'isv',
      resourceId: null,
      action: 'reinstate',
      createdAt: new Date(T0.getTime() - DAY),
    });
    await record(clientRevocation(isv, { createdAt: T0 }));

    await expect(countSince(isv, new Date(T0.getTime() - 7 * DAY))).resolves.toBe(1);
  });

  it('returns the watermark of the latest revocation of a subject', async () => {
    const first = clientRevocation('isv-w', { notBefore: T0, createdAt: T0 });
    const later = new Date(T0.getTime() + 1000);
    await record(first);
    await record({ ...first, alertId: randomUUID(), notBefore: later, createdAt: later, eventId: randomUUID() });

    await expect(ledger.latestRevocation(first.subjectKey)).resolves.toEqual(later);
    await expect(ledger.latestRevocation('isv:never')).resolves.toBeUndefined();
  });

  it('serialises on an ISV lock inside a transaction', async () => {
    await expect(db.transaction((tx) => ledger.lockIsv(tx, 'isv-lock'))).resolves.toBeUndefined();
  });
});
