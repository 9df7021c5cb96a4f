import { Injectable } from '@nestjs/common';
import { Database, type SqlExecutor } from '@latchkey/persistence';

/** A revocation or reinstatement this service wrote to the outbox. */
export interface RevocationEntry {
  readonly subjectKey: string;
  readonly subjectKind: 'isv' | 'isv-client';
  readonly isvId: string;
  readonly resourceId: string | null;
  readonly action: 'revoke' | 'reinstate';
  readonly reason: string;
  readonly actor: string;
  readonly alertId: string | null;
  readonly notBefore: Date;
  readonly eventId: string;
  readonly createdAt: Date;
}

/**
 * The ledger of the revocations and reinstatements this service made.
 * Writes happen in the caller's transaction, beside the outbox row.
 */
@Injectable()
export class RevocationLedgerRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records an entry; false (and nothing written) when the alert already
   * revoked this subject, so the caller must not write the event either.
   */
  async record(tx: SqlExecutor, entry: RevocationEntry): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO abuse_detector.revocations_made
         (subject_key, subject_kind, isv_id, resource_id, action, reason, actor, alert_id, not_before, event_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (alert_id, subject_key) WHERE action = 'revoke' AND alert_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        entry.subjectKey,
        entry.subjectKind,
        entry.isvId,
        entry.resourceId,
        entry.action,
        entry.reason,
        entry.actor,
        entry.alertId,
        entry.notBefore.toISOString(),
        entry.eventId,
        entry.createdAt.toISOString(),
      ],
    );
    return rows.length > 0;
  }

  /**
   * Serialises the decisions about one ISV until the transaction ends, so two
   * findings counting its client revocations at once cannot both escalate.
   */
  async lockIsv(tx: SqlExecutor, isvId: string): Promise<void> {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('abuse_detector.isv:' || $1))", [isvId]);
  }

  /**
   * Automatic client revocations of the ISV (those a rule made) since
   * `since`, counting only those after the ISV's own latest revocation or
   * reinstatement: once the ISV has been revoked, or an operator reinstated
   * it, the count starts again. A client the ISV blocked itself, or an
   * operator revoked, does not count against the ISV.
   */
  async clientRevocationsSince(tx: SqlExecutor, isvId: string, since: Date): Promise<number> {
    const [row] = await tx.query<{ count: string | number }>(
      `SELECT count(*) AS count FROM abuse_detector.revocations_made
       WHERE isv_id = $1 AND subject_kind = 'isv-client' AND action = 'revoke' AND actor LIKE 'rule:%' AND created_at >= $2
         AND created_at > COALESCE((SELECT max(created_at) FROM abuse_detector.revocations_made WHERE isv_id = $1 AND subject_kind = 'isv'), '-infinity')`,
      [isvId, since.toISOString()],
    );
    return Number(row?.count ?? 0);
  }

  /** The `notBefore` of the latest revocation this service made of the subject, if any. */
  async latestRevocation(subjectKey: string): Promise<Date | undefined> {
    const [row] = await this.db.query<{ not_before: Date | string }>(
      `SELECT not_before FROM abuse_detector.revocations_made WHERE subject_key = $1 AND action = 'revoke' ORDER BY created_at DESC, id DESC LIMIT 1`,
      [subjectKey],
    );
    return row && new Date(row.not_before);
  }
}
