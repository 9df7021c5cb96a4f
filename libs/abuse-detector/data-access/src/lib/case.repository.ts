import { Injectable } from '@nestjs/common';
import type { CASE_STATUSES, CASE_TRANSITIONS, CASE_ACTOR_KINDS } from '@latchkey/contracts';
import { Database, type SqlExecutor } from '@latchkey/persistence';
import type { StoredSeverity } from './alert.repository';

export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CaseTransition = (typeof CASE_TRANSITIONS)[number];

/** Who moved a case. */
export interface CaseActor {
  readonly kind: (typeof CASE_ACTOR_KINDS)[number];
  readonly id: string;
}

/** One step of a case's history, as stored with the case (and published as `abuse.case`). */
export interface CaseHistoryEntry {
  readonly transition: CaseTransition;
  readonly status: CaseStatus;
  readonly actor: CaseActor;
  readonly reason: string;
  readonly alertId: string | null;
  readonly at: string;
}

/** A case as stored. */
export interface AbuseCase {
  readonly id: string;
  readonly isvId: string;
  /** Canonical (lower case). */
  readonly resourceId: string;
  readonly status: CaseStatus;
  readonly severity: StoredSeverity;
  readonly alertIds: readonly string[];
  readonly summary: string;
  readonly openedAt: Date;
  readonly deadlineAt: Date | null;
  readonly updatedAt: Date;
  readonly history: readonly CaseHistoryEntry[];
}

/** The statuses in which a case still waits for, or takes, an answer. */
export const ACTIVE_CASE_STATUSES: readonly CaseStatus[] = ['open', 'acknowledged'];

interface CaseRow extends Record<string, unknown> {
  id: string;
  isv_id: string;
  resource_id: string;
  status: CaseStatus;
  severity: StoredSeverity;
  alert_ids: string[];
  summary: string;
  opened_at: Date | string;
  deadline_at: Date | string | null;
  updated_at: Date | string;
  history: CaseHistoryEntry[];
}

const COLUMNS = 'id, isv_id, resource_id, status, severity, alert_ids, summary, opened_at, deadline_at, updated_at, history';

function toCase(row: CaseRow): AbuseCase {
  return {
    id: row.id,
    isvId: row.isv_id,
    resourceId: row.resource_id,
    status: row.status,
    severity: row.severity,
    alertIds: row.alert_ids,
    summary: row.summary,
    openedAt: new Date(row.opened_at),
    deadlineAt: row.deadline_at === null ? null : new Date(row.deadline_at),
    updatedAt: new Date(row.updated_at),
    history: row.history,
  };
}

/** What the case list filters on. */
export interface CaseFilter {
  readonly status?: CaseStatus;
  readonly isvId?: string;
  readonly limit: number;
}

/**
 * The case store. What a transition does is decided in the feature layer
 * (case-transitions.ts); this stores the result. The `…ForUpdate` reads lock
 * the row for the caller's transaction, so two transitions of one case
 * never interleave.
 */
@Injectable()
export class CaseRepository {
  constructor(private readonly db: Database) {}

  /** The open or acknowledged case of this ISV client, locked; undefined when none. */
  async activeForUpdate(tx: SqlExecutor, isvId: string, resourceId: string): Promise<AbuseCase | undefined> {
    const [row] = await tx.query<CaseRow>(
      `SELECT ${COLUMNS} FROM abuse_detector.cases WHERE isv_id = $1 AND resource_id = $2 AND status IN ('open', 'acknowledged') FOR UPDATE`,
      [isvId, resourceId],
    );
    return row && toCase(row);
  }

  /** One case, locked for the caller's transaction. */
  async getForUpdate(tx: SqlExecutor, id: string): Promise<AbuseCase | undefined> {
    const [row] = await tx.query<CaseRow>(`SELECT ${COLUMNS} FROM abuse_detector.cases WHERE id = $1 FOR UPDATE`, [id]);
    return row && toCase(row);
  }

  /** Inserts a new case or stores the new state of an existing one. */
  async save(tx: SqlExecutor, c: AbuseCase): Promise<void> {
    await tx.query(
      `INSERT INTO abuse_detector.cases (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11::jsonb)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity, alert_ids = excluded.alert_ids,
         summary = excluded.summary, deadline_at = excluded.deadline_at, updated_at = excluded.updated_at, history = excluded.history`,
      [
        c.id,
        c.isvId,
        c.resourceId,
        c.status,
        c.severity,
        JSON.stringify(c.alertIds),
        c.summary,
        c.openedAt.toISOString(),
        c.deadlineAt?.toISOString() ?? null,
        c.updatedAt.toISOString(),
        JSON.stringify(c.history),
      ],
    );
  }

  /** One case; read in `executor` (the caller's transaction) when given. */
  async get(id: string, executor: SqlExecutor = this.db): Promise<AbuseCase | undefined> {
    const [row] = await executor.query<CaseRow>(`SELECT ${COLUMNS} FROM abuse_detector.cases WHERE id = $1`, [id]);
    return row && toCase(row);
  }

  /** Cases, most recently changed first. */
  async list(filter: CaseFilter): Promise<AbuseCase[]> {
    const rows = await this.db.query<CaseRow>(
      `SELECT ${COLUMNS} FROM abuse_detector.cases WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR isv_id = $2)
       ORDER BY updated_at DESC, id LIMIT $3`,
      [filter.status ?? null, filter.isvId ?? null, filter.limit],
    );
    return rows.map(toCase);
  }

  /** Ids of open cases whose deadline has passed at `now`, earliest deadline first. */
  async overdue(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `SELECT id FROM abuse_detector.cases WHERE status = 'open' AND deadline_at <= $1 ORDER BY deadline_at LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map((row) => row.id);
  }
}
