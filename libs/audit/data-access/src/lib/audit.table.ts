import { bigint, bigserial, index, jsonb, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import { defineInboxTable, defineOutboxTable } from '@latchkey/persistence';

/** The audit service's own schema. */
export const auditSchema = pgSchema('audit');

/**
 * The append-only event store. `seq` is the stored order the hash chain runs
 * over; `event_id` is unique, so a redelivered event is stored once;
 * `hash` = SHA-256(prev_hash ‖ canonical JSON of the row's event), which is
 * what makes a modified, inserted, reordered or deleted row detectable.
 */
export const events = auditSchema.table(
  'events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    eventId: text('event_id').notNull().unique(),
    type: text('type').notNull(),
    topic: text('topic').notNull(),
    source: text('source').notNull(),
    subject: text('subject'),
    time: timestamp('time', { withTimezone: true }).notNull(),
    traceparent: text('traceparent'),
    data: jsonb('data').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('events_type_time_idx').on(t.type, t.time)],
);

/**
 * Signed checkpoints, in signing order: the audit service's statements that
 * row `tree_size` of the chain had hash `head_hash` (the compact JWS in
 * `token`, linked to the previous one). Also published on
 * `audit.checkpoint`, so a copy lives outside this database.
 */
export const checkpoints = auditSchema.table('checkpoints', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
  headHash: text('head_hash').notNull(),
  token: text('token').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const outbox = defineOutboxTable(auditSchema);
export const inbox = defineInboxTable(auditSchema);
