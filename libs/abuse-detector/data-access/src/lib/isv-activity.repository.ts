import { Injectable } from '@nestjs/common';
import { Database } from '@latchkey/persistence';

/** Which per-minute counter of an ISV an event increments. */
export type IsvActivityKind = 'issued' | 'used' | 'rejected';

/** One event to count: its CloudEvents id (claimed once), the ISV, when it happened and what it was. */
export interface IsvActivityEvent {
  readonly eventId: string;
  readonly isvId: string;
  readonly at: Date;
  readonly kind: IsvActivityKind;
}

/** One minute of an ISV's activity. */
export interface IsvActivityPoint {
  /** Start of the minute (UTC). */
  readonly minute: Date;
  readonly issued: number;
  readonly used: number;
  readonly rejected: number;
}

/** The longest series `series` returns: one day of minutes. */
export const MAX_ACTIVITY_MINUTES = 1440;

const MINUTE_MS = 60_000;

/** The start of the minute `at` falls in. */
export function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

interface Increment {
  isvId: string;
  minute: string;
  issued: number;
  used: number;
  rejected: number;
}

/** Sums the events into one increment per (ISV, minute), so a batch is one upsert however many events it holds. */
function increments(events: readonly IsvActivityEvent[]): Increment[] {
  const byKey = new Map<string, Increment>();
  for (const event of events) {
    const minute = minuteOf(event.at).toISOString();
    const key = `${event.isvId}\u0000${minute}`;
    let increment = byKey.get(key);
    if (!increment) {
      increment = { isvId: event.isvId, minute, issued: 0, used: 0, rejected: 0 };
      byKey.set(key, increment);
    }
    increment[event.kind] += 1;
  }
  return [...byKey.values()];
}

/**
 * Per-minute activity per ISV (tokens issued, uses served, uses refused),
 * for the operator console's charts. `count` claims every event id in the
 * inbox and adds the claimed ones to their minutes in one transaction, so
 * a redelivered event (or a batch handled again) counts once.
 */
@Injectable()
export class IsvActivityRepository {
  constructor(private readonly db: Database) {}

  /** Counts the events not counted before by `consumer`; returns how many were new. */
  async count(consumer: string, events: readonly IsvActivityEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      // One statement claims the whole batch: the ids that come back are the ones this consumer never counted.
      const claimed = await tx.query<{ event_id: string }>(
        `INSERT INTO abuse_detector.inbox (consumer, event_id) SELECT $1, id FROM unnest($2::text[]) AS id
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, [...new Set(events.map((e) => e.eventId))]],
      );
      const fresh = new Set(claimed.map((row) => row.event_id));
      const counted: IsvActivityEvent[] = [];
      for (const event of events) {
        // delete: an id repeated within the batch counts once, like a redelivery.
        if (fresh.delete(event.eventId)) counted.push(event);
      }
      const rows = increments(counted);
      if (rows.length === 0) return 0;
      await tx.query(
        `INSERT INTO abuse_detector.isv_activity (isv_id, window_start, issued, used, rejected)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[], $5::int[])
         ON CONFLICT (isv_id, window_start) DO UPDATE SET issued = isv_activity.issued + EXCLUDED.issued,
           used = isv_activity.used + EXCLUDED.used, rejected = isv_activity.rejected + EXCLUDED.rejected`,
        [rows.map((r) => r.isvId), rows.map((r) => r.minute), rows.map((r) => r.issued), rows.map((r) => r.used), rows.map((r) => r.rejected)],
      );
      return counted.length;
    });
  }

  /**
   * Every minute from the one `from` falls in up to the one `to` falls in,
   * oldest first, quiet minutes as zeros; at most {@link MAX_ACTIVITY_MINUTES}
   * (the newest kept).
   */
  async series(isvId: string, from: Date, to: Date): Promise<IsvActivityPoint[]> {
    const last = minuteOf(to).getTime();
    const first = Math.max(minuteOf(from).getTime(), last - (MAX_ACTIVITY_MINUTES - 1) * MINUTE_MS);
    if (first > last) return [];
    const rows = await this.db.query<{ window_start: Date | string; issued: number; used: number; rejected: number }>(
      `SELECT window_start, issued, used, rejected FROM abuse_detector.isv_activity
       WHERE isv_id = $1 AND window_start >= $2 AND window_start <= $3`,
      [isvId, new Date(first).toISOString(), new Date(last).toISOString()],
    );
    const stored = new Map(rows.map((row) => [new Date(row.window_start).getTime(), row]));
    const points: IsvActivityPoint[] = [];
    for (let minute = first; minute <= last; minute += MINUTE_MS) {
      const row = stored.get(minute);
      points.push({ minute: new Date(minute), issued: Number(row?.issued ?? 0), used: Number(row?.used ?? 0), rejected: Number(row?.rejected ?? 0) });
    }
    return points;
  }
}
