import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, pgSchema, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { defineInboxTable, defineOutboxTable } from '@latchkey/persistence';

/** The RBAC service's own schema. */
export const rbacSchema = pgSchema('rbac');

/** The tenant of an assignment that applies in every tenant (also Casbin's wildcard domain). */
export const ANY_TENANT = '*';

/** The registry of known permissions (`resource:action`); a decision on any other permission is a deny. */
export const permissions = rbacSchema.table('permissions', {
  id: text('id').primaryKey(),
  description: text('description').notNull().default(''),
  /** Who registered it first: `admin`, `seed` or `endpoint:<service>`. */
  registeredBy: text('registered_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Roles and the permissions (`resource:action`) they grant. */
export const roles = rbacSchema.table('roles', {
  id: text('id').primaryKey(),
  description: text('description').notNull(),
  permissions: text('permissions')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Role inheritance: `role_id` includes `included_role_id`, so it grants the
 * included role's permissions too. An included role cannot be deleted while
 * a role includes it (restrict); a deleted role's own inclusions go with it.
 */
export const roleIncludes = rbacSchema.table(
  'role_includes',
  {
    roleId: text('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    includedRoleId: text('included_role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.roleId, t.includedRoleId] }), index('role_includes_included_idx').on(t.includedRoleId)],
);

/**
 * Everyone RBAC knows: people (learnt from `identity.created`), OAuth
 * applications (by client id) and operators. An operator carries the digest of an API key.
 */
export const subjects = rbacSchema.table('subjects', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['person', 'application', 'operator'] }).notNull(),
  tenantId: text('tenant_id'),
  displayName: text('display_name'),
  apiKeyHash: text('api_key_hash').unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Which subject holds which role, in one Entra tenant or in every tenant ({@link ANY_TENANT}). */
export const assignments = rbacSchema.table(
  'assignments',
  {
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    roleId: text('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull().default(ANY_TENANT),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.subjectId, t.roleId, t.tenantId] })],
);

/** The endpoints each service registered at start, with the scope and permission each requires. */
export const endpoints = rbacSchema.table(
  'endpoints',
  {
    service: text('service').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    scope: text('scope'),
    permission: text('permission'),
    public: boolean('public').notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.service, t.method, t.path] })],
);

/** Where policy versions come from: strictly increasing, drawn under the policy lock so they follow commit order. */
export const policyVersionSequence = rbacSchema.sequence('policy_version', { startWith: 1, increment: 1 });

/**
 * One row: the version of the last committed policy change. Every change
 * locks it first (changes are serialised, so checks like the cycle check
 * see committed state), and deciders compare it with what they loaded.
 */
export const policyState = rbacSchema.table(
  'policy_state',
  {
    id: smallint('id').primaryKey().default(1),
    version: bigint('version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('policy_state_one_row', sql`${t.id} = 1`)],
);

export const outbox = defineOutboxTable(rbacSchema);
export const inbox = defineInboxTable(rbacSchema);
