import { bigint, bigserial, index, integer, jsonb, pgSchema, text, timestamp, unique } from 'drizzle-orm/pg-core';
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

/**
 * Dead-lettered messages of every platform topic, counted apart from the
 * chain: where each came from, which consumer gave up on it and why, and a
 * digest of its bytes (never the bytes: a message that did not decode may
 * hold anything). One row per dead-lettering.
 */
export const deadLetters = auditSchema.table(
  'dead_letters',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    sourceTopic: text('source_topic').notNull(),
    sourcePartition: integer('source_partition').notNull(),
    sourceOffset: text('source_offset').notNull(),
    consumerGroup: text('consumer_group').notNull(),
    code: text('code').notNull(),
    reason: text('reason').notNull(),
    eventId: text('event_id'),
    eventType: text('event_type'),
    valueSha256: text('value_sha256').notNull(),
    deadLetteredAt: timestamp('dead_lettered_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('dead_letters_source_unique').on(t.sourceTopic, t.sourcePartition, t.sourceOffset, t.consumerGroup)],
);

export const outbox = defineOutboxTable(auditSchema);
export const inbox = defineInboxTable(auditSchema);
