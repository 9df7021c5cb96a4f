import { sql } from 'drizzle-orm';
import { boolean, check, integer, jsonb, pgSchema, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { defineInboxTable, defineOutboxTable } from '@latchkey/persistence';

/** The exchange's own schema. */
export const exchangeSchema = pgSchema('exchange');

/** How an OAuth application treats a person the exchange has not seen yet: create them just in time, require them to exist, or map nobody. */
export const PROVISIONING_MODES = ['create', 'link-only', 'deny'] as const;
/** One of {@link PROVISIONING_MODES}. */
export type ProvisioningMode = (typeof PROVISIONING_MODES)[number];

/** Whether an OAuth application accepts app-only Entra tokens (`idtyp=app`, no user). */
export const APP_ONLY_POLICIES = ['allow', 'deny'] as const;
/** One of {@link APP_ONLY_POLICIES}. */
export type AppOnlyPolicy = (typeof APP_ONLY_POLICIES)[number];

/** Bounds and default of an application's internal token lifetime, in seconds. */
export const TOKEN_LIFETIME_SECONDS = { min: 60, max: 86_400, default: 3_600 } as const;

/** Each scope an application may be granted, with the permissions (`resource:action`) it carries. */
export type ScopePermissions = Record<string, string[]>;

/**
 * OAuth applications a caller names with `client_id`: which scopes (and so
 * permissions) an exchanged token may carry, for how long, from which Entra
 * tenants and source apps, and how people are provisioned.
 */
export const oauthApplications = exchangeSchema.table(
  'oauth_applications',
  {
    clientId: text('client_id').primaryKey(),
    displayName: text('display_name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    scopes: jsonb('scopes')
      .$type<ScopePermissions>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    tokenLifetimeSeconds: integer('token_lifetime_seconds').notNull().default(TOKEN_LIFETIME_SECONDS.default),
    // Empty: any tenant the exchange trusts; empty source apps: any `azp`/`appid`.
    allowedTenantIds: text('allowed_tenant_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    allowedSourceAppIds: text('allowed_source_app_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    // Closed by default: app-only tokens and a client id other than the token's own app are opt-in.
    appOnlyPolicy: text('app_only_policy', { enum: APP_ONLY_POLICIES }).notNull().default('deny'),
    requireClientMatch: boolean('require_client_match').notNull().default(true),
    provisioning: text('provisioning', { enum: PROVISIONING_MODES }).notNull().default('create'),
    /** SHA-256 of the client secret (a 256-bit random key, so a plain digest suffices); the secret itself is shown once. */
    clientSecretHash: text('client_secret_hash'),
    secretRotatedAt: timestamp('secret_rotated_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'oauth_applications_token_lifetime_check',
      sql`${t.tokenLifetimeSeconds} BETWEEN ${sql.raw(String(TOKEN_LIFETIME_SECONDS.min))} AND ${sql.raw(String(TOKEN_LIFETIME_SECONDS.max))}`,
    ),
    check('oauth_applications_app_only_policy_check', sql`${t.appOnlyPolicy} IN ('allow', 'deny')`),
    check('oauth_applications_provisioning_check', sql`${t.provisioning} IN ('create', 'link-only', 'deny')`),
  ],
);

/**
 * People, keyed by Entra (tenant id, object id): the object id alone is only
 * unique within a tenant (WIRE.md §3, "use tid as part of every data key").
 * The person id is random, never derived from claims; display name and
 * username are informational (never authorized on) and refreshed when a
 * later token carries other values.
 */
export const identities = exchangeSchema.table(
  'identities',
  {
    personId: text('person_id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    objectId: text('object_id').notNull(),
    displayName: text('display_name'),
    username: text('username'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('identities_tenant_object_unique').on(t.tenantId, t.objectId)],
);

export const outbox = defineOutboxTable(exchangeSchema);
export const inbox = defineInboxTable(exchangeSchema);
