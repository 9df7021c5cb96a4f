import { randomUUID } from 'node:crypto';
import { aResourceId } from '@latchkey/contracts/testing';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA } from '../index';
import { UsageCounterRepository } from './usage-counter.repository';

const CONSUMER = 'abuse-detector.usage';

interface CounterRow extends Record<string, unknown> {
  window_start: Date;
  served: number;
  rejected: number;
}

describe(UsageCounterRepository.name, () => {
  let db: Database;
  let counters: UsageCounterRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    counters = new UsageCounterRepository(db);
  });

  afterAll(() => db.close());

  const windows = (resourceId: string) =>
    db.query<CounterRow>(
      'SELECT window_start, served, rejected FROM abuse_detector.usage_counters WHERE resource_id = $1 ORDER BY window_start',
      [resourceId],
    );

  const count = (resourceId: string, at: string, outcome: 'served' | 'rejected', eventId: string = randomUUID()) =>
    counters.count(CONSUMER, eventId, resourceId, new Date(at), outcome);

  it('counts served and rejected uses of one minute in one window starting on the minute', async () => {
    const resource = aResourceId();

    await count(resource, '2026-03-01T12:00:05.000Z', 'served');
    await count(resource, '2026-03-01T12:00:30.000Z', 'served');
    await count(resource, '2026-03-01T12:00:59.999Z', 'rejected');

    expect(await windows(resource)).toEqual([{ window_start: new Date('2026-03-01T12:00:00.000Z'), served: 2, rejected: 1 }]);
  });

  it('opens a new window when the minute changes', async () => {
    const resource = aResourceId();

    await count(resource, '2026-03-01T12:00:59.999Z', 'served');
    await count(resource, '2026-03-01T12:01:00.000Z', 'rejected');

    expect(await windows(resource)).toEqual([
      { window_start: new Date('2026-03-01T12:00:00.000Z'), served: 1, rejected: 0 },
      { window_start: new Date('2026-03-01T12:01:00.000Z'), served: 0, rejected: 1 },
    ]);
  });

  it('counts an event id once and returns false for its redelivery', async () => {
    const resource = aResourceId();
    const eventId = randomUUID();

    await expect(count(resource, '2026-03-01T12:00:00.000Z', 'served', eventId)).resolves.toBe(true);
    await expect(count(resource, '2026-03-01T12:00:00.000Z', 'served', eventId)).resolves.toBe(false);

    await expect(counters.totals(resource)).resolves.toEqual({ served: 1, rejected: 0 });
  });

  it('counts the same event id again for another consumer', async () => {
    const resource = aResourceId();
    const eventId = randomUUID();
    await counters.count(CONSUMER, eventId, resource, new Date('2026-03-01T12:00:00.000Z'), 'served');

    await expect(counters.count('another.consumer', eventId, resource, new Date('2026-03-01T12:00:00.000Z'), 'served')).resolves.toBe(true);

    await expect(counters.totals(resource)).resolves.toEqual({ served: 2, rejected: 0 });
  });

  it('sums served and rejected across every window of a resource, and only that resource', async () => {
    const resource = aResourceId();
    const other = aResourceId();
    await count(resource, '2026-03-01T12:00:00.000Z', 'served');
    await count(resource, '2026-03-01T12:07:00.000Z', 'served');
    await count(resource, '2026-03-01T13:00:00.000Z', 'rejected');
    await count(other, '2026-03-01T12:00:00.000Z', 'rejected');

    await expect(counters.totals(resource)).resolves.toEqual({ served: 2, rejected: 1 });
    await expect(counters.totals(other)).resolves.toEqual({ served: 0, rejected: 1 });
  });

  it('totals zero for a resource never seen', async () => {
    await expect(counters.totals(aResourceId())).resolves.toEqual({ served: 0, rejected: 0 });
  });
});
