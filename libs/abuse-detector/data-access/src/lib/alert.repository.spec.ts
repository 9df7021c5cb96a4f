import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA } from '../index';
import { AlertRepository, MAX_EVIDENCE, mergeEvidence, type AlertObservation } from './alert.repository';

const T0 = new Date('2026-03-01T12:00:00.000Z');

function observation(overrides: Partial<AlertObservation> = {}): AlertObservation {
  return {
    ruleId: 'foreign-resource',
    severity: 'critical',
    subjectKind: 'resource',
    subjectId: `/subscriptions/x/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/${randomUUID()}`,
    isvId: 'isv-1',
    resourceId: null,
    evidenceEventIds: [randomUUID()],
    explanation: 'a token of one client was presented with another resource’s key',
    observedAt: T0,
    ...overrides,
  };
}

describe(AlertRepository.name, () => {
  let db: Database;
  let alerts: AlertRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    alerts = new AlertRepository(db);
  });

  afterAll(() => db.close());

  const observe = (id: string, o: AlertObservation) => db.transaction((tx) => alerts.observe(tx, id, o));

  it('opens an alert with count 1 for the first finding of a rule and subject', async () => {
    const o = observation();
    const id = randomUUID();

    const { alert, opened } = await observe(id, o);

    expect(opened).toBe(true);
    expect(alert).toMatchObject({ id, status: 'open', count: 1, evidenceEventIds: o.evidenceEventIds, firstSeenAt: T0, lastSeenAt: T0 });
  });

  it('adds a second finding of the same rule and subject to the open alert: count 2, evidence merged, last seen moved', async () => {
    const first = observation();
    const later = new Date(T0.getTime() + 60_000);
    await observe('a-' + randomUUID(), first);

    const { alert, opened } = await observe(randomUUID(), { ...first, evidenceEventIds: ['e-2'], observedAt: later, explanation: 'again' });

    expect(opened).toBe(false);
    expect(alert).toMatchObject({
      count: 2,
      evidenceEventIds: [...first.evidenceEventIds, 'e-2'],
      firstSeenAt: T0,
      lastSeenAt: later,
      explanation: 'again',
    });
  });

  it('keeps the highest severity and an earlier last-seen time when findings arrive out of order', async () => {
    const first = observation({ severity: 'high', observedAt: new Date(T0.getTime() + 5000) });
    await observe(randomUUID(), first);

    const { alert } = await observe(randomUUID(), { ...first, severity: 'low', observedAt: T0 });

    expect(alert.severity).toBe('high');
    expect(alert.lastSeenAt).toEqual(first.observedAt);
  });

  it('opens separate alerts for another rule or another subject', async () => {
    const o = observation();
    const a = await observe(randomUUID(), o);
    const b = await observe(randomUUID(), { ...o, ruleId: 'feature-probing' });
    const c = await observe(randomUUID(), { ...o, subjectKind: 'isv' });

    expect(new Set([a.alert.id, b.alert.id, c.alert.id]).size).toBe(3);
  });

  it('opens a new alert after the open one was acknowledged', async () => {
    const o = observation();
    const { alert: first } = await observe(randomUUID(), o);
    await alerts.acknowledge(first.id, 'operator', 'investigating', T0);

    const { alert: second, opened } = await observe(randomUUID(), o);

    expect(opened).toBe(true);
    expect(second.id).not.toBe(first.id);
    expect(second.count).toBe(1);
  });

  it('refuses a second open alert for the same rule, subject and ISV at the database', async () => {
    const o = observation();
    await observe(randomUUID(), o);
    const insert = (isvId: string | null) =>
      db.query(
        `INSERT INTO abuse_detector.alerts (id, rule_id, subject_kind, subject_id, severity, isv_id, evidence_event_ids, explanation, first_seen_at, last_seen_at)
         VALUES ($1, $2, $3, $4, 'low', $5, '[]', 'x', now(), now())`,
        [randomUUID(), o.ruleId, o.subjectKind, o.subjectId, isvId],
      );

    await expect(insert(o.isvId)).rejects.toThrow(/unique|duplicate/i);
    // Without an ISV, "none" is one value of the key: a second open alert naming no ISV is refused too.
    await insert(null);
    await expect(insert(null)).rejects.toThrow(/unique|duplicate/i);
  });

  it('keeps the alerts of two ISVs sharing one client resource apart: each grows alone and keeps its own ISV', async () => {
    const resource = observation().subjectId;
    const ofA = observation({ ruleId: 'leaked-token', subjectId: resource, resourceId: resource, isvId: 'isv-a', explanation: 'A’s token' });
    const ofB = { ...ofA, isvId: 'isv-b', explanation: 'B’s token' };

    const a = await observe(randomUUID(), ofA);
    const b = await observe(randomUUID(), ofB);
    const bAgain = await observe(randomUUID(), { ...ofB, explanation: 'B’s token again' });

    expect(b.opened).toBe(true);
    expect(b.alert.id).not.toBe(a.alert.id);
    expect(bAgain).toMatchObject({ opened: false, alert: { id: b.alert.id, isvId: 'isv-b', count: 2, explanation: 'B’s token again' } });
    await expect(alerts.get(a.alert.id)).resolves.toMatchObject({ isvId: 'isv-a', count: 1, explanation: 'A’s token' });
    await expect(alerts.list({ isvId: 'isv-b', ruleId: 'leaked-token', limit: 10 })).resolves.toEqual([expect.objectContaining({ id: b.alert.id })]);
  });

  it('never attributes a finding that names no ISV to an open alert of an ISV, nor the other way round', async () => {
    const o = observation({ isvId: 'isv-known' });
    const known = await observe(randomUUID(), o);
    const unknown = await observe(randomUUID(), { ...o, isvId: null });
    const knownAgain = await observe(randomUUID(), o);

    expect(unknown).toMatchObject({ opened: true, alert: { isvId: null } });
    expect(knownAgain).toMatchObject({ opened: false, alert: { id: known.alert.id, isvId: 'isv-known', count: 2 } });
  });

  it('acknowledges an open alert once, and says when the alert is not open or unknown', async () => {
    const { alert } = await observe(randomUUID(), observation());
    const at = new Date('2026-03-02T00:00:00.000Z');

    const done = await alerts.acknowledge(alert.id, 'operator', 'known ISV test', at);
    expect(done).toMatchObject({
      kind: 'acknowledged',
      alert: { status: 'acknowledged', acknowledgedBy: 'operator', acknowledgedAt: at, acknowledgedReason: 'known ISV test' },
    });
    await expect(alerts.acknowledge(alert.id, 'operator', 'again', at)).resolves.toMatchObject({ kind: 'not-open' });
    await expect(alerts.acknowledge(randomUUID(), 'operator', 'x', at)).resolves.toEqual({ kind: 'not-found' });
  });

  it('lists alerts of one status, most recently seen first', async () => {
    const older = await observe(randomUUID(), observation({ observedAt: new Date('2030-01-01T00:00:00.000Z') }));
    const newer = await observe(randomUUID(), observation({ observedAt: new Date('2030-01-02T00:00:00.000Z') }));
    const acked = await observe(randomUUID(), observation({ observedAt: new Date('2030-01-03T00:00:00.000Z') }));
    await alerts.acknowledge(acked.alert.id, 'operator', 'x', T0);

    const open = await alerts.list({ status: 'open', limit: 2 });
    const acknowledged = await alerts.list({ status: 'acknowledged', limit: 100 });

    expect(open.map((a) => a.id)).toEqual([newer.alert.id, older.alert.id]);
    expect(acknowledged.map((a) => a.id)).toContain(acked.alert.id);
    expect(acknowledged.every((a) => a.status === 'acknowledged')).toBe(true);
  });

  it('lists only the alerts of the severity, rule and ISV asked for', async () => {
    const isvId = `isv-${randomUUID()}`;
    const wanted = await observe(randomUUID(), observation({ isvId, severity: 'high', ruleId: 'jti-spread' }));
    await observe(randomUUID(), observation({ isvId, severity: 'critical', ruleId: 'jti-spread' }));
    await observe(randomUUID(), observation({ isvId, severity: 'high', ruleId: 'client-rate' }));
    await observe(randomUUID(), observation({ severity: 'high', ruleId: 'jti-spread' }));

    const listed = await alerts.list({ isvId, severity: 'high', ruleId: 'jti-spread', limit: 100 });

    expect(listed.map((a) => a.id)).toEqual([wanted.alert.id]);
    expect(await alerts.list({ isvId, limit: 100 })).toHaveLength(3);
  });

  it('watches the open alerts, the ones named, and the ones acknowledged since a time', async () => {
    const open = await observe(randomUUID(), observation());
    const named = await observe(randomUUID(), observation());
    const ackedNow = await observe(randomUUID(), observation());
    const ackedBefore = await observe(randomUUID(), observation());
    const since = new Date('2031-01-01T00:00:00.000Z');
    await alerts.acknowledge(named.alert.id, 'operator', 'x', new Date('2020-01-01T00:00:00.000Z'));
    await alerts.acknowledge(ackedNow.alert.id, 'operator', 'x', new Date('2031-01-02T00:00:00.000Z'));
    await alerts.acknowledge(ackedBefore.alert.id, 'operator', 'x', new Date('2020-01-01T00:00:00.000Z'));

    const ids = (await alerts.watched([named.alert.id], since, 10_000)).map((a) => a.id);

    expect(ids).toEqual(expect.arrayContaining([open.alert.id, named.alert.id, ackedNow.alert.id]));
    expect(ids).not.toContain(ackedBefore.alert.id);
  });
});

describe(mergeEvidence.name, () => {
  it('appends new ids after the existing ones, each id once, a repeated id moving to the newest end', () => {
    expect(mergeEvidence(['a', 'b'], ['c', 'b', 'c'])).toEqual(['a', 'c', 'b']);
  });

  it(`keeps the newest ${MAX_EVIDENCE} ids`, () => {
    const existing = Array.from({ length: MAX_EVIDENCE }, (_, i) => `old-${i}`);

    const merged = mergeEvidence(existing, ['new-1', 'new-2']);

    expect(merged).toHaveLength(MAX_EVIDENCE);
    expect(merged.slice(-2)).toEqual(['new-1', 'new-2']);
    expect(merged[0]).toBe('old-2');
  });
});
