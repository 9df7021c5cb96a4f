import { sql } from 'drizzle-orm';
import { boolean, pgSchema, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { defineInboxTable, defineOutboxTable } from '@latchkey/persistence';

/** The exchange's own schema. */
export const exchangeSchema = pgSchema('exchange');

/** OAuth applications a caller names with `client_id`; their scopes bound what an exchanged token may carry. */
export const oauthApplications = exchangeSchema.table('oauth_applications', {
  clientId: text('client_id').primaryKey(),
  displayName: text('display_name').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  allowedScopes: text('allowed_scopes').array().notNull().default(sql`'{}'::text[]`),
  clientSecretHash: text('client_secret_hash'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * People, keyed by Entra (tenant id, object id): the object id alone is only
 * unique within a tenant (WIRE.md §3, "use tid as part of every data key").
 */
export const identities = exchangeSchema.table(
  'identities',
  {
    personId: text('person_id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    objectId: text('object_id').notNull(),
    displayName: text('display_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('identities_tenant_object_unique').on(t.tenantId, t.objectId)],
);

export const outbox = defineOutboxTable(exchangeSchema);
export const inbox = defineInboxTable(exchangeSchema);
