import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA } from '../index';
import { IsvActivityRepository, MAX_ACTIVITY_MINUTES, type IsvActivityEvent, type IsvActivityKind } from './isv-activity.repository';

const CONSUMER = 'abuse-detector.activity';

const anIsv = (): string => `isv-${randomUUID().slice(0, 8)}`;
const event = (isvId: string, at: string, kind: IsvActivityKind, eventId: string = randomUUID()): IsvActivityEvent => ({
  eventId,
  isvId,
  at: new Date(at),
  kind,
});
const point = (minute: string, issued: number, used: number, rejected: number) => ({ minute: new Date(minute), issued, used, rejected });

describe(IsvActivityRepository.name, () => {
  let db: Database;
  let activity: IsvActivityRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    activity = new IsvActivityRepository(db);
  });

  afterAll(() => db.close());

  it('counts issued, used and rejected events of one minute in that minute, and other minutes in theirs', async () => {
    const isv = anIsv();

    await activity.count(CONSUMER, [
      event(isv, '2026-03-01T12:00:05.000Z', 'issued'),
      event(isv, '2026-03-01T12:00:30.000Z', 'used'),
      event(isv, '2026-03-01T12:00:59.999Z', 'used'),
      event(isv, '2026-03-01T12:01:00.000Z', 'rejected'),
    ]);

    await expect(activity.series(isv, new Date('2026-03-01T12:00:00.000Z'), new Date('2026-03-01T12:01:30.000Z'))).resolves.toEqual([
      point('2026-03-01T12:00:00.000Z', 1, 2, 0),
      point('2026-03-01T12:01:00.000Z', 0, 0, 1),
    ]);
  });

  it('counts an event once: a redelivery, or a repeat within the batch, adds nothing', async () => {
    const isv = anIsv();
    const repeated = event(isv, '2026-03-01T12:00:00.000Z', 'used');

    await expect(activity.count(CONSUMER, [repeated, repeated, event(isv, '2026-03-01T12:00:01.000Z', 'used')])).resolves.toBe(2);
    await expect(activity.count(CONSUMER, [repeated])).resolves.toBe(0);

    const [minute] = await activity.series(isv, new Date('2026-03-01T12:00:00.000Z'), new Date('2026-03-01T12:00:00.000Z'));
    expect(minute).toEqual(point('2026-03-01T12:00:00.000Z', 0, 2, 0));
  });

  it('adds a later batch to the minute an earlier batch started', async () => {
    const isv = anIsv();
    await activity.count(CONSUMER, [event(isv, '2026-03-01T12:00:00.000Z', 'issued')]);
    await activity.count(CONSUMER, [event(isv, '2026-03-01T12:00:10.000Z', 'issued'), event(isv, '2026-03-01T12:00:20.000Z', 'rejected')]);

    await expect(activity.series(isv, new Date('2026-03-01T12:00:00.000Z'), new Date('2026-03-01T12:00:00.000Z'))).resolves.toEqual([
      point('2026-03-01T12:00:00.000Z', 2, 0, 1),
    ]);
  });

  it('keeps ISVs apart', async () => {
    const [a, b] = [anIsv(), anIsv()];
    await activity.count(CONSUMER, [event(a, '2026-03-01T12:00:00.000Z', 'issued'), event(b, '2026-03-01T12:00:00.000Z', 'used')]);

    const at = new Date('2026-03-01T12:00:00.000Z');
    await expect(activity.series(a, at, at)).resolves.toEqual([point('2026-03-01T12:00:00.000Z', 1, 0, 0)]);
    await expect(activity.series(b, at, at)).resolves.toEqual([point('2026-03-01T12:00:00.000Z', 0, 1, 0)]);
  });

  it('fills quiet minutes with zeros, from the minute of `from` to the minute of `to`', async () => {
    const isv = anIsv();
    await activity.count(CONSUMER, [event(isv, '2026-03-01T12:02:00.000Z', 'used')]);

    await expect(activity.series(isv, new Date('2026-03-01T12:00:40.000Z'), new Date('2026-03-01T12:03:10.000Z'))).resolves.toEqual([
      point('2026-03-01T12:00:00.000Z', 0, 0, 0),
      point('2026-03-01T12:01:00.000Z', 0, 0, 0),
      point('2026-03-01T12:02:00.000Z', 0, 1, 0),
      point('2026-03-01T12:03:00.000Z', 0, 0, 0),
    ]);
  });

  it(`returns at most ${MAX_ACTIVITY_MINUTES} minutes, the newest`, async () => {
    const to = new Date('2026-03-03T00:00:00.000Z');
    const series = await activity.series(anIsv(), new Date('2026-03-01T00:00:00.000Z'), to);

    expect(series).toHaveLength(MAX_ACTIVITY_MINUTES);
    expect(series[series.length - 1]?.minute).toEqual(to);
  });

  it('returns nothing when `from` is after `to`', async () => {
    await expect(activity.series(anIsv(), new Date('2026-03-01T12:05:00.000Z'), new Date('2026-03-01T12:00:00.000Z'))).resolves.toEqual([]);
  });

  it('counts nothing for an empty batch', async () => {
    await expect(activity.count(CONSUMER, [])).resolves.toBe(0);
  });
});
