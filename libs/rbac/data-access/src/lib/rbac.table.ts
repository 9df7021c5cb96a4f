import { sql } from 'drizzle-orm';
import { pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { defineInboxTable, defineOutboxTable } from '@latchkey/persistence';

/** The RBAC service's own schema. */
export const rbacSchema = pgSchema('rbac');

/** Roles and the permissions (`resource:action`) they grant. */
export const roles = rbacSchema.table('roles', {
  id: text('id').primaryKey(),
  description: text('description').notNull(),
  permissions: text('permissions').array().notNull().default(sql`'{}'::text[]`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Everyone RBAC knows: people (learnt from `identity.created`), OAuth
 * applications and operators. An operator carries the digest of an API key.
 */
export const subjects = rbacSchema.table('subjects', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['person', 'application', 'operator'] }).notNull(),
  tenantId: text('tenant_id'),
  displayName: text('display_name'),
  apiKeyHash: text('api_key_hash').unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Which subject holds which role. */
export const assignments = rbacSchema.table(
  'assignments',
  {
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    roleId: text('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.subjectId, t.roleId] })],
);

export const outbox = defineOutboxTable(rbacSchema);
export const inbox = defineInboxTable(rbacSchema);
