import { Injectable } from '@nestjs/common';
import { Database, type SqlExecutor } from '@latchkey/persistence';

/** The contract's severity scale, lowest first (the stored alert keeps the highest seen). */
export const ALERT_SEVERITY_ORDER = ['low', 'medium', 'high', 'critical'] as const;
export type StoredSeverity = (typeof ALERT_SEVERITY_ORDER)[number];

/** An alert's life: open while findings add to it; acknowledged by an operator; resolved. */
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** At most this many evidence event ids per alert (the contract's bound); the newest are kept. */
export const MAX_EVIDENCE = 100;

/** What a finding adds to the alert store. */
export interface AlertObservation {
  readonly ruleId: string;
  readonly severity: StoredSeverity;
  readonly subjectKind: string;
  readonly subjectId: string;
  readonly isvId: string | null;
  readonly resourceId: string | null;
  readonly evidenceEventIds: readonly string[];
  readonly explanation: string;
  readonly observedAt: Date;
}

/** An alert as stored. */
export interface Alert {
  readonly id: string;
  readonly ruleId: string;
  readonly subjectKind: string;
  readonly subjectId: string;
  readonly severity: StoredSeverity;
  readonly status: AlertStatus;
  readonly isvId: string | null;
  readonly resourceId: string | null;
  readonly count: number;
  readonly evidenceEventIds: readonly string[];
  readonly explanation: string;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedReason: string | null;
}

/** The alert a finding landed in, and whether the finding opened it. */
export interface ObservedAlert {
  readonly alert: Alert;
  readonly opened: boolean;
}

/** Which alerts `list` returns: any of the given status, severity, rule and ISV, at most `limit`. */
export interface AlertFilter {
  readonly status?: AlertStatus;
  readonly severity?: StoredSeverity;
  readonly ruleId?: string;
  readonly isvId?: string;
  readonly limit: number;
}

/** What acknowledging did: the alert, or why not. */
export type AcknowledgeOutcome =
  | { readonly kind: 'acknowledged'; readonly alert: Alert }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'not-open'; readonly alert: Alert };

interface AlertRow extends Record<string, unknown> {
  id: string;
  rule_id: string;
  subject_kind: string;
  subject_id: string;
  severity: StoredSeverity;
  status: AlertStatus;
  isv_id: string | null;
  resource_id: string | null;
  count: number;
  evidence_event_ids: string[];
  explanation: string;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
  acknowledged_by: string | null;
  acknowledged_at: Date | string | null;
  acknowledged_reason: string | null;
}

const COLUMNS = `id, rule_id, subject_kind, subject_id, severity, status, isv_id, resource_id, count, evidence_event_ids, explanation,
  first_seen_at, last_seen_at, acknowledged_by, acknowledged_at, acknowledged_reason`;

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    ruleId: row.rule_id,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    severity: row.severity,
    status: row.status,
    isvId: row.isv_id,
    resourceId: row.resource_id,
    count: Number(row.count),
    evidenceEventIds: row.evidence_event_ids,
    explanation: row.explanation,
    firstSeenAt: new Date(row.first_seen_at),
    lastSeenAt: new Date(row.last_seen_at),
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at === null ? null : new Date(row.acknowledged_at),
    acknowledgedReason: row.acknowledged_reason,
  };
}

/** `existing` then `added`, each id once (its latest position), the newest {@link MAX_EVIDENCE} kept. */
export function mergeEvidence(existing: readonly string[], added: readonly string[]): string[] {
  const addedSet = new Set(added);
  const merged = [...existing.filter((id) => !addedSet.has(id)), ...new Set(added)];
  return merged.slice(-MAX_EVIDENCE);
}

function higher(a: StoredSeverity, b: StoredSeverity): StoredSeverity {
  return ALERT_SEVERITY_ORDER.indexOf(a) >= ALERT_SEVERITY_ORDER.indexOf(b) ? a : b;
}

/**
 * The alert store. `observe` runs inside the caller's transaction (the one
 * that also writes the alert event and the actions to the outbox): it
 * opens an alert, or adds to the open one of the same rule, subject and ISV
 * (none counts as one more value), which it locks first so concurrent
 * findings on one subject count each. A finding about another ISV's client
 * on the same resource opens that ISV's own alert.
 */
@Injectable()
export class AlertRepository {
  constructor(private readonly db: Database) {}

  async observe(tx: SqlExecutor, newId: string, observation: AlertObservation): Promise<ObservedAlert> {
    const o = observation;
    const evidence = mergeEvidence([], o.evidenceEventIds);
    // DO NOTHING, then lock and update: the evidence merge and the severity ranking are clearer here than in SQL.
    const [inserted] = await tx.query<AlertRow>(
      `INSERT INTO abuse_detector.alerts (id, rule_id, subject_kind, subject_id, severity, status, isv_id, resource_id, count,
         evidence_event_ids, explanation, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, 1, $8::jsonb, $9, $10, $10)
       ON CONFLICT (rule_id, subject_kind, subject_id, (coalesce(isv_id, ''))) WHERE status = 'open' DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        newId,
        o.ruleId,
        o.subjectKind,
        o.subjectId,
        o.severity,
        o.isvId,
        o.resourceId,
        JSON.stringify(evidence),
        o.explanation,
        o.observedAt.toISOString(),
      ],
    );
    if (inserted) return { alert: toAlert(inserted), opened: true };
    const [open] = await tx.query<AlertRow>(
      `SELECT ${COLUMNS} FROM abuse_detector.alerts
       WHERE rule_id = $1 AND subject_kind = $2 AND subject_id = $3 AND coalesce(isv_id, '') = coalesce($4::text, '') AND status = 'open'
       FOR UPDATE`,
      [o.ruleId, o.subjectKind, o.subjectId, o.isvId],
    );
    if (!open) throw new Error(`alert of rule ${o.ruleId} neither inserted nor open`);
    const current = toAlert(open);
    const lastSeenAt = o.observedAt > current.lastSeenAt ? o.observedAt : current.lastSeenAt;
    const [updated] = await tx.query<AlertRow>(
      // The ISV is part of the alert's key, so it never changes here: an open alert is only ever grown by findings about its own ISV.
      `UPDATE abuse_detector.alerts SET count = count + 1, severity = $2, resource_id = $3, evidence_event_ids = $4::jsonb,
         explanation = $5, last_seen_at = $6
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        current.id,
        higher(current.severity, o.severity),
        current.resourceId ?? o.resourceId,
        JSON.stringify(mergeEvidence(current.evidenceEventIds, o.evidenceEventIds)),
        o.explanation,
        lastSeenAt.toISOString(),
      ],
    );
    return { alert: toAlert(updated as AlertRow), opened: false };
  }

  async get(id: string): Promise<Alert | undefined> {
    const [row] = await this.db.query<AlertRow>(`SELECT ${COLUMNS} FROM abuse_detector.alerts WHERE id = $1`, [id]);
    return row && toAlert(row);
  }

  /** Alerts, most recently seen first, optionally of one status, severity, rule and ISV. */
  async list(filter: AlertFilter): Promise<Alert[]> {
    const rows = await this.db.query<AlertRow>(
      `SELECT ${COLUMNS} FROM abuse_detector.alerts
       WHERE ($1::text IS NULL OR status = $1) AND ($3::text IS NULL OR severity = $3) AND ($4::text IS NULL OR rule_id = $4)
         AND ($5::text IS NULL OR isv_id = $5)
       ORDER BY last_seen_at DESC, id LIMIT $2`,
      [filter.status ?? null, filter.limit, filter.severity ?? null, filter.ruleId ?? null, filter.isvId ?? null],
    );
    return rows.map(toAlert);
  }

  /**
   * What a watcher of the alerts must look at to see every change: the open
   * alerts (the only ones that grow; a new alert is open), the alerts with
   * the given ids (open at the previous look, so a change of status shows),
   * and the ones acknowledged since `acknowledgedSince`. At most `limit`
   * open alerts, the most recently seen.
   */
  async watched(ids: readonly string[], acknowledgedSince: Date, limit: number): Promise<Alert[]> {
    const rows = await this.db.query<AlertRow>(
      `SELECT ${COLUMNS} FROM abuse_detector.alerts
       WHERE id IN (SELECT id FROM abuse_detector.alerts WHERE status = 'open' ORDER BY last_seen_at DESC, id LIMIT $3)
         OR id = ANY($1::text[]) OR acknowledged_at >= $2`,
      [[...ids], acknowledgedSince.toISOString(), limit],
    );
    return rows.map(toAlert);
  }

  /** Acknowledges an open alert; the next finding of its rule and subject opens a new one. */
  async acknowledge(id: string, by: string, reason: string, at: Date): Promise<AcknowledgeOutcome> {
    const [row] = await this.db.query<AlertRow>(
      `UPDATE abuse_detector.alerts SET status = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3, acknowledged_reason = $4
       WHERE id = $1 AND status = 'open' RETURNING ${COLUMNS}`,
      [id, by, at.toISOString(), reason],
    );
    if (row) return { kind: 'acknowledged', alert: toAlert(row) };
    const existing = await this.get(id);
    return existing ? { kind: 'not-open', alert: existing } : { kind: 'not-found' };
  }
}
