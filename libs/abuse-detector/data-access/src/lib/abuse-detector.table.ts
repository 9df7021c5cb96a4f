import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
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

/**
 * Alerts raised by the rules. Deduplicated: at most one open alert per rule,
 * subject and ISV (the partial unique index), whose count and evidence grow
 * while it stays open; an acknowledged or resolved alert is history, and the
 * next finding opens a new one. The ISV is part of the key because one
 * client resource can be a client of several ISVs: an alert about ISV A's
 * client must never grow into (and be attributed, cased and revoked as)
 * ISV B's. Alerts that name no ISV are keyed by rule and subject alone.
 */
export const alerts = abuseDetectorSchema.table(
  'alerts',
  {
    id: text('id').primaryKey(),
    ruleId: text('rule_id').notNull(),
    subjectKind: text('subject_kind').notNull(),
    subjectId: text('subject_id').notNull(),
    severity: text('severity').notNull(),
    status: text('status').notNull().default('open'),
    isvId: text('isv_id'),
    resourceId: text('resource_id'),
    count: integer('count').notNull().default(1),
    /** CloudEvents ids, oldest first, at most 100 (the newest kept). */
    evidenceEventIds: jsonb('evidence_event_ids').$type<string[]>().notNull(),
    explanation: text('explanation').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedReason: text('acknowledged_reason'),
  },
  (t) => [
    uniqueIndex('alerts_one_open_per_rule_subject_isv')
      .on(t.ruleId, t.subjectKind, t.subjectId, sql`coalesce(${t.isvId}, '')`)
      .where(sql`status = 'open'`),
    index('alerts_status_last_seen_idx').on(t.status, t.lastSeenAt),
  ],
);

/**
 * Which ISV and client resource each token was issued for, from `lat.issued`:
 * a refusal names the resource a token was presented to, not its own, so
 * the rules look the token up here. Rows go once the token has expired
 * (plus a grace period), since no use of it can pass after that.
 */
export const issuedTokens = abuseDetectorSchema.table(
  'issued_tokens',
  {
    jti: text('jti').primaryKey(),
    isvId: text('isv_id').notNull(),
    /** Canonical (lower case). */
    resourceId: text('resource_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('issued_tokens_expires_at_idx').on(t.expiresAt)],
);

/**
 * Every revocation and reinstatement this service wrote to the outbox:
 * the partial unique index makes an automatic revocation happen once per
 * alert and subject, and the ISV's history counts client revocations for
 * the escalation to the ISV.
 */
export const revocationsMade = abuseDetectorSchema.table(
  'revocations_made',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** `revocationSubjectKey` of the subject (`isv:<id>`, `isv-client:<id>:<resource>`). */
    subjectKey: text('subject_key').notNull(),
    subjectKind: text('subject_kind').notNull(),
    isvId: text('isv_id').notNull(),
    resourceId: text('resource_id'),
    action: text('action').notNull(),
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    alertId: text('alert_id'),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    /** The CloudEvents id of the `access.revocation` record in the outbox. */
    eventId: text('event_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('revocations_made_once_per_alert')
      .on(t.alertId, t.subjectKey)
      .where(sql`action = 'revoke' AND alert_id IS NOT NULL`),
    index('revocations_made_isv_idx').on(t.isvId, t.createdAt),
  ],
);

/**
 * Cases: the ISV's side of abuse. One active case (open or acknowledged)
 * per ISV and client resource; alerts about that client join it. An open
 * case waits for the ISV until `deadline_at`: acknowledged, the client
 * blocked by the ISV, or escalated when the deadline passes. Every
 * transition is also an `abuse.case` event (docs/ABUSE.md "Cases").
 */
export const cases = abuseDetectorSchema.table(
  'cases',
  {
    id: text('id').primaryKey(),
    isvId: text('isv_id').notNull(),
    /** Canonical (lower case). */
    resourceId: text('resource_id').notNull(),
    /** open | acknowledged | client-blocked | escalated | closed */
    status: text('status').notNull(),
    severity: text('severity').notNull(),
    /** Alert ids, oldest first, at most 100. */
    alertIds: jsonb('alert_ids').$type<string[]>().notNull(),
    /** What the ISV is told, in plain words (the alerts' explanations); never a token or key. */
    summary: text('summary').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    /** When an open case escalates; null once the ISV answered or the case ended. */
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    /** Every transition, oldest first: `{ transition, status, actor, reason, at, alertId? }`. */
    history: jsonb('history').$type<Record<string, unknown>[]>().notNull(),
  },
  (t) => [
    uniqueIndex('cases_one_active_per_client')
      .on(t.isvId, t.resourceId)
      .where(sql`status IN ('open', 'acknowledged')`),
    index('cases_deadline_idx')
      .on(t.deadlineAt)
      .where(sql`status = 'open'`),
    index('cases_isv_idx').on(t.isvId, t.openedAt),
  ],
);

/**
 * Where an ISV wants to hear about its cases (set by an operator), and the
 * Standard Webhooks secret (`whsec_…`) its deliveries are signed with:
 * shown once when set, kept here because every delivery needs it.
 */
export const isvWebhooks = abuseDetectorSchema.table('isv_webhooks', {
  isvId: text('isv_id').primaryKey(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  updatedBy: text('updated_by').notNull(),
});

/**
 * Webhook deliveries, written in the transaction of the case transition
 * they announce and sent by a worker with retries: `id` is the Standard
 * Webhooks `webhook-id`, stable across retries so the ISV can deduplicate.
 */
export const webhookDeliveries = abuseDetectorSchema.table(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    isvId: text('isv_id').notNull(),
    caseId: text('case_id').notNull(),
    /** The JSON body, exactly as signed and sent. */
    body: text('body').notNull(),
    /** pending | delivered | failed | no-webhook */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'pending'`),
    index('webhook_deliveries_case_idx').on(t.caseId),
  ],
);

/**
 * Per-minute activity per ISV (tokens issued, uses served, uses refused),
 * for the console's per-ISV charts. Counted once per event (inbox).
 */
export const isvActivity = abuseDetectorSchema.table(
  'isv_activity',
  {
    isvId: text('isv_id').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    issued: integer('issued').notNull().default(0),
    used: integer('used').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.isvId, t.windowStart] })],
);

export const outbox = defineOutboxTable(abuseDetectorSchema);
export const inbox = defineInboxTable(abuseDetectorSchema);
