import { pgSchema, text, timestamp } from 'drizzle-orm/pg-core';
import { defineInboxTable, defineOutboxTable } from '@latchkey/persistence';

/** The reference resource server's own schema. */
export const faceApiSchema = pgSchema('face_api');

/**
 * Client Face resources served here, by canonical (lower-cased) Azure
 * resource id, with the digest of the resource's own subscription key: a
 * limited access token is only honoured with the key of the resource it
 * names.
 */
export const clientResources = faceApiSchema.table('client_resources', {
  resourceId: text('resource_id').primaryKey(),
  displayName: text('display_name').notNull(),
  subscriptionKeyHash: text('subscription_key_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const outbox = defineOutboxTable(faceApiSchema);
export const inbox = defineInboxTable(faceApiSchema);
