import { sql } from 'drizzle-orm';
import { pgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import { defineInboxTable, defineOutboxTable } from '@latchkey/persistence';

/** The issuer's own schema: nothing outside the issuer reads or writes it. */
export const issuerSchema = pgSchema('issuer');

/**
 * Approved (or pending) ISVs, the feature flags the platform granted them,
 * and the digest of their subscription key. A token can never carry a flag
 * that is not in `granted_features` (issuer issue).
 */
export const isvs = issuerSchema.table('isvs', {
  id: text('id').primaryKey(),
  displayName: text('display_name').notNull(),
  status: text('status', { enum: ['pending', 'approved', 'suspended'] }).notNull().default('pending'),
  grantedFeatures: text('granted_features').array().notNull().default(sql`'{}'::text[]`),
  subscriptionKeyHash: text('subscription_key_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const outbox = defineOutboxTable(issuerSchema);
export const inbox = defineInboxTable(issuerSchema);
