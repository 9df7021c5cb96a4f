import { primaryKey, type PgSchema, text, timestamp } from 'drizzle-orm/pg-core';

/** Name of every service's inbox table (inside the service's own schema). */
export const INBOX_TABLE = 'inbox';

/** Column names of the inbox table, for raw SQL (libs/messaging's idempotent consumers). */
export const InboxColumns = {
  consumer: 'consumer',
  eventId: 'event_id',
  processedAt: 'processed_at',
} as const;

/**
 * The idempotent-consumer ledger of one service: one row per (consumer,
 * event id) processed, inserted in the handler's own transaction with
 * `ON CONFLICT DO NOTHING RETURNING event_id` (no row back = a duplicate).
 */
export function defineInboxTable(schema: PgSchema) {
  const c = InboxColumns;
  return schema.table(
    INBOX_TABLE,
    {
      consumer: text(c.consumer).notNull(),
      eventId: text(c.eventId).notNull(),
      processedAt: timestamp(c.processedAt, { withTimezone: true }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
  );
}

/** The drizzle table type {@link defineInboxTable} returns. */
export type InboxTable = ReturnType<typeof defineInboxTable>;
