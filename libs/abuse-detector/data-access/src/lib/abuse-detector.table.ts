import { integer, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { defineInboxTable, defineOutboxTable } from '@latchkey/persistence';

/** The abuse detector's own schema. */
export const abuseDetectorSchema = pgSchema('abuse_detector');

/**
 * Per-minute counts of token uses and refusals per client resource: the raw
 * material of the windowed rules and baselines (abuse-detector issue).
 */
export const usageCounters = abuseDetectorSchema.table(
  'usage_counters',
  {
    resourceId: text('resource_id').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    served: integer('served').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.resourceId, t.windowStart] })],
);

export const outbox = defineOutboxTable(abuseDetectorSchema);
export const inbox = defineInboxTable(abuseDetectorSchema);
