import { schemaIdent, type SqlRunner } from './sql';

/**
 * The idempotent-consumer helper: `claim` inserts (consumer, event id) into
 * the service's `inbox` table inside the handler's transaction and returns
 * false when the event was already processed. Because the claim commits or
 * rolls back with the handler's own writes, each event takes effect exactly
 * once even though delivery is at-least-once.
 */
export class Inbox {
  private readonly table: string;

  constructor(
    schema: string,
    private readonly consumer: string,
  ) {
    this.table = `${schemaIdent(schema)}.inbox`;
  }

  async claim(tx: SqlRunner, eventId: string): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO ${this.table} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.consumer, eventId],
    );
    return rows.length === 1;
  }
}
