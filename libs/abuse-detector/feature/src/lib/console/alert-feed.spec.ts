import type { Alert, AlertRepository } from '@latchkey/abuse-detector/data-access';
import type { AlertView } from '../admin/alert-administration.use-case';
import { AlertFeed } from './alert-feed';

const T0 = new Date('2026-03-01T12:00:00.000Z');

function anAlert(id: string, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    ruleId: 'foreign-resource',
    subjectKind: 'resource',
    subjectId: `/subscriptions/x/resourcegroups/rg/accounts/${id}`,
    severity: 'critical',
    status: 'open',
    isvId: 'contoso',
    resourceId: null,
    count: 1,
    evidenceEventIds: ['e1'],
    explanation: 'x',
    firstSeenAt: T0,
    lastSeenAt: T0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    acknowledgedReason: null,
    ...overrides,
  };
}

/** The alerts table as the feed sees it, with what it was asked. */
class FakeAlerts {
  table: Alert[] = [];
  readonly watchedCalls: { ids: readonly string[]; since: Date }[] = [];

  async watched(ids: readonly string[], since: Date): Promise<Alert[]> {
    this.watchedCalls.push({ ids, since });
    return this.table.filter((a) => a.status === 'open' || ids.includes(a.id));
  }

  async list(): Promise<Alert[]> {
    return this.table.filter((a) => a.status === 'open');
  }
}

describe(AlertFeed.name, () => {
  let alerts: FakeAlerts;
  let feed: AlertFeed;
  let seen: AlertView[];
  let closed: number;

  beforeEach(() => {
    alerts = new FakeAlerts();
    feed = new AlertFeed(alerts as unknown as AlertRepository, () => T0);
    seen = [];
    closed = 0;
  });

  afterEach(() => feed.onModuleDestroy());

  const watch = () => feed.watch({ onAlert: (alert) => void seen.push(alert), onClose: () => void (closed += 1) });

  it('learns the table when the first stream opens, then hands out only what is new or changed', async () => {
    alerts.table = [anAlert('a')];
    await watch();
    expect(seen).toEqual([]);

    alerts.table = [anAlert('a'), anAlert('b')];
    await feed.poll();
    expect(seen.map((a) => a.id)).toEqual(['b']);

    alerts.table = [anAlert('a', { count: 2 }), anAlert('b')];
    await feed.poll();
    expect(seen.map((a) => [a.id, a.count])).toEqual([
      ['b', 1],
      ['a', 2],
    ]);

    await feed.poll();
    expect(seen).toHaveLength(2);
  });

  it('asks again for the alerts that were open, so an acknowledgement shows', async () => {
    alerts.table = [anAlert('a')];
    await watch();

    alerts.table = [anAlert('a', { status: 'acknowledged', acknowledgedAt: T0, acknowledgedBy: 'op', acknowledgedReason: 'ok' })];
    await feed.poll();

    expect(alerts.watchedCalls[alerts.watchedCalls.length - 1]?.ids).toEqual(['a']);
    expect(seen).toEqual([
      expect.objectContaining({ id: 'a', status: 'acknowledged', acknowledged: { by: 'op', at: T0.toISOString(), reason: 'ok' } }),
    ]);
  });

  it('hands changes out oldest first', async () => {
    await watch();
    alerts.table = [anAlert('late', { lastSeenAt: new Date(T0.getTime() + 1000) }), anAlert('early')];

    await feed.poll();

    expect(seen.map((a) => a.id)).toEqual(['early', 'late']);
  });

  it('stops handing out to a stream that stopped watching', async () => {
    const stop = await watch();
    stop();
    expect(feed.watcherCount).toBe(0);

    alerts.table = [anAlert('a')];
    await feed.poll();

    expect(seen).toEqual([]);
  });

  it('closes every stream when the module is destroyed, and any stream that comes later at once', async () => {
    await watch();
    await watch();

    await feed.onModuleDestroy();
    expect(closed).toBe(2);
    expect(feed.watcherCount).toBe(0);

    await watch();
    expect(closed).toBe(3);
  });

  it('starts a stream with the open alerts, most recently seen first', async () => {
    alerts.table = [anAlert('a'), anAlert('b', { status: 'acknowledged' })];

    await expect(feed.snapshot(10)).resolves.toEqual([expect.objectContaining({ id: 'a', status: 'open' })]);
  });
});
