import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, type PgSchema, text, timestamp } from 'drizzle-orm/pg-core';

/** Name of every service's outbox table (inside the service's own schema). */
export const OUTBOX_TABLE = 'outbox';

/**
 * Column names of the outbox table, for raw SQL (libs/messaging writes and
 * relays rows without drizzle). Changing one is a migration in every service.
 */
export const OutboxColumns = {
  id: 'id',
  eventId: 'event_id',
  topic: 'topic',
  partitionKey: 'partition_key',
  envelope: 'envelope',
  createdAt: 'created_at',
  publishedAt: 'published_at',
  attempts: 'attempts',
  lastError: 'last_error',
} as const;

/**
 * The transactional outbox of one service, declared in that service's schema
 * so its drizzle-kit migration creates it:
 *
 * ```ts
 * export const issuerSchema = pgSchema('issuer');
 * export const outbox = defineOutboxTable(issuerSchema);
 * ```
 *
 * `id` (bigserial) orders publication; `event_id` is unique so writing the
 * same event twice fails loudly; the partial index keeps the relay's
 * `WHERE published_at IS NULL ORDER BY id` scan small however many published
 * rows accumulate. bigint columns come back as strings on both drivers.
 */
export function defineOutboxTable(schema: PgSchema) {
  const c = OutboxColumns;
  return schema.table(
    OUTBOX_TABLE,
    {
      id: bigserial(c.id, { mode: 'number' }).primaryKey(),
      eventId: text(c.eventId).notNull().unique(),
      topic: text(c.topic).notNull(),
      partitionKey: text(c.partitionKey).notNull(),
      envelope: jsonb(c.envelope).notNull(),
      createdAt: timestamp(c.createdAt, { withTimezone: true }).notNull().defaultNow(),
      publishedAt: timestamp(c.publishedAt, { withTimezone: true }),
      attempts: integer(c.attempts).notNull().default(0),
      lastError: text(c.lastError),
    },
    // Raw column name in the predicate: drizzle-kit would otherwise qualify it
    // with the schema and table, which the migration runner's schema rewrite
    // handles but a reader does not need.
    (t) => [index('outbox_unpublished_idx').on(t.id).where(sql.raw(`${c.publishedAt} IS NULL`))],
  );
}

/** The drizzle table type {@link defineOutboxTable} returns. */
export type OutboxTable = ReturnType<typeof defineOutboxTable>;
