import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgSchema, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { defineInboxTable, defineOutboxTable } from '@latchkey/persistence';

/** The issuer's own schema: nothing outside the issuer reads or writes it. */
export const issuerSchema = pgSchema('issuer');

/**
 * Approved (or pending) ISVs and the feature flags the platform granted
 * them. A token can never carry a flag that is not in `granted_features`
 * (issuer issue).
 */
export const isvs = issuerSchema.table('isvs', {
  id: text('id').primaryKey(),
  displayName: text('display_name').notNull(),
  status: text('status', { enum: ['pending', 'approved', 'suspended'] }).notNull().default('pending'),
  grantedFeatures: text('granted_features').array().notNull().default(sql`'{}'::text[]`),
  /** The ISV's own Face resource (canonical), for the issueToken operation; optional. */
  resourceId: text('resource_id'),
  /**
   * Sender-constrained tokens only: every issuance must carry a DPoP proof
   * (RFC 9449) and every token is bound to its key (`cnf.jkt`). Without it
   * a proof is still honoured when the ISV sends one.
   */
  dpopRequired: boolean('dpop_required').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * An ISV's subscription keys, like the vendor's key1/key2: two slots, at
 * most one active key in each (a partial unique index), so an ISV rotates
 * one slot while its backends still use the other. Only the HMAC digest
 * under the issuer's server secret is stored; `hint` is the key's last four
 * characters, for telling keys apart. Revoked keys stay as history.
 */
export const subscriptionKeys = issuerSchema.table(
  'subscription_keys',
  {
    id: text('id').primaryKey(),
    isvId: text('isv_id')
      .notNull()
      .references(() => isvs.id),
    slot: smallint('slot').notNull(),
    digest: text('digest').notNull().unique(),
    hint: text('hint').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    check('subscription_keys_slot_check', sql`${t.slot} IN (1, 2)`),
    uniqueIndex('subscription_keys_active_slot_idx').on(t.isvId, t.slot).where(sql`${t.revokedAt} IS NULL`),
  ],
);

/**
 * Token signing keys. The private half is stored sealed (AES-256-GCM under a
 * key from configuration, the kid as associated data); `next` is published
 * ahead of signing, `active` signs, `retiring` stays in the JWKS until its
 * last token expired, `retired` is gone from it.
 */
export const signingKeys = issuerSchema.table('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg', { enum: ['ES256', 'EdDSA'] }).notNull(),
  publicJwk: jsonb('public_jwk').notNull(),
  sealedPrivateKey: text('sealed_private_key').notNull(),
  status: text('status', { enum: ['next', 'active', 'retiring', 'retired'] }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** A next key's takeover time (published since created_at, signs from then on). */
  activateAt: timestamp('activate_at', { withTimezone: true }),
  retiringAt: timestamp('retiring_at', { withTimezone: true }),
  retiredAt: timestamp('retired_at', { withTimezone: true }),
});

/**
 * Every token issued, written in the same transaction as its `lat.issued`
 * outbox row and before the token is returned. Holds identifiers only,
 * never the token.
 */
export const issuances = issuerSchema.table(
  'issuances',
  {
    jti: text('jti').primaryKey(),
    isvId: text('isv_id').notNull(),
    resourceId: text('resource_id').notNull(),
    features: text('features').array().notNull(),
    lifetimeSeconds: integer('lifetime_seconds').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    kid: text('kid').notNull(),
    /** The DPoP key thumbprint the token is bound to (`cnf.jkt`), if any. */
    cnfJkt: text('cnf_jkt'),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    traceId: text('trace_id'),
  },
  (t) => [index('issuances_isv_resource_idx').on(t.isvId, t.resourceId, t.issuedAt)],
);

/** Clients an ISV stopped generating tokens for ("stop generating tokens for that customer"). */
export const clientBlocks = issuerSchema.table(
  'client_blocks',
  {
    isvId: text('isv_id').notNull(),
    resourceId: text('resource_id').notNull(),
    reason: text('reason'),
    blockedAt: timestamp('blocked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.isvId, t.resourceId] })],
);

export const outbox = defineOutboxTable(issuerSchema);
export const inbox = defineInboxTable(issuerSchema);
