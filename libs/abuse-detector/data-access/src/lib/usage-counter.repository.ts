import { Injectable } from '@nestjs/common';
import { Inbox } from '@latchkey/messaging';
import { Database } from '@latchkey/persistence';

/** Which counter a use increments. */
export type UseOutcome = 'served' | 'rejected';

/**
 * Per-minute counters per client resource. `count` claims the event id in the
 * inbox and increments in one transaction, so a redelivered event counts once.
 */
@Injectable()
export class UsageCounterRepository {
  constructor(private readonly db: Database) {}

  async count(consumer: string, eventId: string, resourceId: string, at: Date, outcome: UseOutcome): Promise<boolean> {
    const windowStart = new Date(Math.floor(at.getTime() / 60000) * 60000).toISOString();
    const column = outcome === 'served' ? 'served' : 'rejected';
    return this.db.transaction(async (tx) => {
      if (!(await new Inbox('abuse_detector', consumer).claim(tx, eventId))) return false;
      await tx.query(
        `INSERT INTO abuse_detector.usage_counters (resource_id, window_start, ${column}) VALUES ($1, $2, 1)
         ON CONFLICT (resource_id, window_start) DO UPDATE SET ${column} = usage_counters.${column} + 1`,
        [resourceId, windowStart],
      );
      return true;
    });
  }

  async totals(resourceId: string): Promise<{ served: number; rejected: number }> {
    const [row] = await this.db.query<{ served: string | number | null; rejected: string | number | null }>(
      'SELECT sum(served) AS served, sum(rejected) AS rejected FROM abuse_detector.usage_counters WHERE resource_id = $1',
      [resourceId],
    );
    return { served: Number(row?.served ?? 0), rejected: Number(row?.rejected ?? 0) };
  }
}
