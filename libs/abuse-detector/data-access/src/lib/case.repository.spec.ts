import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA } from '../index';
import { CaseRepository, type AbuseCase, type CaseHistoryEntry } from './case.repository';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const resource = () =>
  `/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/c-${randomUUID()}`;

function aCase(overrides: Partial<AbuseCase> = {}): AbuseCase {
  const opened: CaseHistoryEntry = {
    transition: 'opened',
    status: 'open',
    actor: { kind: 'detector', id: 'abuse-detector' },
    reason: 'opened',
    alertId: 'a-1',
    at: T0.toISOString(),
  };
  return {
    id: randomUUID(),
    isvId: `isv-${randomUUID().slice(0, 8)}`,
    resourceId: resource(),
    status: 'open',
    severity: 'high',
    alertIds: ['a-1'],
    summary: '[high] foreign-resource: x',
    openedAt: T0,
    deadlineAt: at(86_400_000),
    updatedAt: T0,
    history: [opened],
    ...overrides,
  };
}

describe(CaseRepository.name, () => {
  let db: Database;
  let cases: CaseRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    cases = new CaseRepository(db);
  });

  afterAll(() => db.close());

  const save = (c: AbuseCase) => db.transaction((tx) => cases.save(tx, c));

  it('stores a case and reads it back as saved', async () => {
    const c = aCase({ alertIds: ['a-1', 'a-2'], severity: 'critical' });

    await save(c);

    expect(await cases.get(c.id)).toEqual(c);
    expect(await cases.get(randomUUID())).toBeUndefined();
  });

  it('stores a new state of the same case over the old one, keeping when it opened', async () => {
    const c = aCase();
    await save(c);
    const acked = {
      ...c,
      status: 'acknowledged' as const,
      deadlineAt: null,
      updatedAt: at(1000),
      openedAt: at(999_999),
      history: [
        ...c.history,
        {
          transition: 'acknowledged' as const,
          status: 'acknowledged' as const,
          actor: { kind: 'isv' as const, id: c.isvId },
          reason: 'ok',
          alertId: null,
          at: at(1000).toISOString(),
        },
      ],
    };

    await save(acked);

    expect(await cases.get(c.id)).toEqual({ ...acked, openedAt: T0 });
  });

  describe('one active case per client', () => {
    it('refuses a second open case for the same ISV and client at the database', async () => {
      const first = aCase();
      await save(first);

      await expect(save(aCase({ isvId: first.isvId, resourceId: first.resourceId }))).rejects.toThrow(/unique|duplicate/i);
      await expect(save(aCase({ isvId: first.isvId, resourceId: first.resourceId, status: 'acknowledged', deadlineAt: null }))).rejects.toThrow(
        /unique|duplicate/i,
      );
    });

    it('allows another client of the ISV, and the same client of another ISV', async () => {
      const first = aCase();
      await save(first);

      await save(aCase({ isvId: first.isvId }));
      await save(aCase({ resourceId: first.resourceId }));

      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM abuse_detector.cases WHERE isv_id = $1 OR resource_id = $2', [
        first.isvId,
        first.resourceId,
      ]);
      expect(row?.n).toBe(3);
    });

    it.each(['client-blocked', 'escalated', 'closed'] as const)('lets a new active case follow a %s one', async (status) => {
      const ended = aCase({ status, deadlineAt: null });
      await save(ended);
      await save(aCase({ isvId: ended.isvId, resourceId: ended.resourceId, status: 'client-blocked', deadlineAt: null }));
      const next = aCase({ isvId: ended.isvId, resourceId: ended.resourceId });

      await save(next);

      expect(await db.transaction((tx) => cases.activeForUpdate(tx, ended.isvId, ended.resourceId))).toEqual(next);
    });
  });

  describe('activeForUpdate', () => {
    it('finds the open or acknowledged case of the client, none once it ended', async () => {
      const c = aCase({ status: 'acknowledged', deadlineAt: null });
      await save(c);
      const active = () => db.transaction((tx) => cases.activeForUpdate(tx, c.isvId, c.resourceId));

      expect((await active())?.id).toBe(c.id);
      expect(await db.transaction((tx) => cases.activeForUpdate(tx, 'isv-other', c.resourceId))).toBeUndefined();

      await save({ ...c, status: 'closed' });
      expect(await active()).toBeUndefined();
      expect((await db.transaction((tx) => cases.getForUpdate(tx, c.id)))?.status).toBe('closed');
    });
  });

  describe('overdue', () => {
    // Far from the other tests' deadlines, so only these cases are due in this window.
    const BASE = new Date('2040-01-01T00:00:00.000Z');
    const deadline = (ms: number) => new Date(BASE.getTime() + ms);

    it('lists open cases whose deadline has passed, earliest deadline first, at most `limit`', async () => {
      const late = aCase({ deadlineAt: deadline(3000) });
      const earliest = aCase({ deadlineAt: deadline(1000) });
      const middle = aCase({ deadlineAt: deadline(2000) });
      const exactlyNow = aCase({ deadlineAt: deadline(4000) });
      const notYet = aCase({ deadlineAt: deadline(4001) });
      const acknowledged = aCase({ status: 'acknowledged', deadlineAt: deadline(500) });
      const escalated = aCase({ status: 'escalated', deadlineAt: deadline(600) });
      for (const c of [late, earliest, middle, exactlyNow, notYet, acknowledged, escalated]) await save(c);
      const now = deadline(4000);
      const ours = new Set([late, earliest, middle, exactlyNow, notYet, acknowledged, escalated].map((c) => c.id));
      // Cases of other tests have deadlines in 2026, long before BASE: skip them.
      const overdueOurs = async (limit: number) => (await cases.overdue(now, limit)).filter((id) => ours.has(id));

      expect(await overdueOurs(1000)).toEqual([earliest.id, middle.id, late.id, exactlyNow.id]);
      const all = await cases.overdue(now, 1000);
      expect(all.slice(-4)).toEqual([earliest.id, middle.id, late.id, exactlyNow.id]);

      const limited = await cases.overdue(now, all.length - 2);
      expect(limited).toHaveLength(all.length - 2);
      expect(limited.filter((id) => ours.has(id))).toEqual([earliest.id, middle.id]);
    });
  });

  describe('list', () => {
    it('lists cases of one ISV and status, most recently changed first, at most `limit`', async () => {
      const isvId = `isv-${randomUUID().slice(0, 8)}`;
      const older = aCase({ isvId, updatedAt: at(1000) });
      const newer = aCase({ isvId, updatedAt: at(2000) });
      const closed = aCase({ isvId, status: 'closed', deadlineAt: null, updatedAt: at(3000) });
      for (const c of [older, newer, closed]) await save(c);

      expect((await cases.list({ isvId, limit: 100 })).map((c) => c.id)).toEqual([closed.id, newer.id, older.id]);
      expect((await cases.list({ isvId, status: 'open', limit: 100 })).map((c) => c.id)).toEqual([newer.id, older.id]);
      expect((await cases.list({ isvId, limit: 1 })).map((c) => c.id)).toEqual([closed.id]);
      expect((await cases.list({ status: 'closed', limit: 1000 })).every((c) => c.status === 'closed')).toBe(true);
    });
  });
});
