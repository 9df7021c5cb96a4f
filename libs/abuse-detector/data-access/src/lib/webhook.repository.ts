import { Injectable } from '@nestjs/common';
import { Database, type SqlExecutor } from '@latchkey/persistence';

/** An ISV's webhook: where its case notifications go, and the secret they are signed with. */
export interface IsvWebhook {
  readonly isvId: string;
  readonly url: string;
  /** Standard Webhooks `whsec_…`: a credential, never logged or shown again. */
  readonly secret: string;
  readonly updatedAt: Date;
  readonly updatedBy: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A delivery to send now, claimed by one dispatcher for a lease. */
export interface DueDelivery {
  readonly id: string;
  readonly isvId: string;
  readonly caseId: string;
  readonly body: string;
  /** Attempts so far, this one included. */
  readonly attempts: number;
  readonly createdAt: Date;
}

/** A delivery as the operator sees it (no body). */
export interface DeliveryRecord {
  readonly id: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

/**
 * ISV webhooks and the queue of deliveries. A delivery is enqueued in the
 * transaction of the case transition it announces (nothing announced is
 * lost, nothing lost is announced), then claimed with a lease by
 * `claimDue` (`FOR UPDATE SKIP LOCKED`, so replicas never send one twice at
 * once) and marked delivered, retried later, or failed.
 */
@Injectable()
export class WebhookRepository {
  constructor(private readonly db: Database) {}

  async set(webhook: IsvWebhook): Promise<void> {
    await this.db.query(
      `INSERT INTO abuse_detector.isv_webhooks (isv_id, url, secret, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (isv_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [webhook.isvId, webhook.url, webhook.secret, webhook.updatedAt.toISOString(), webhook.updatedBy],
    );
  }

  /** False when the ISV had no webhook. */
  async remove(isvId: string): Promise<boolean> {
    const rows = await this.db.query<{ isv_id: string }>('DELETE FROM abuse_detector.isv_webhooks WHERE isv_id = $1 RETURNING isv_id', [isvId]);
    return rows.length > 0;
  }

  /** The ISV's webhook; read in `executor` (the caller's transaction) when given. */
  async of(isvId: string, executor: SqlExecutor = this.db): Promise<IsvWebhook | undefined> {
    const [row] = await executor.query<{ isv_id: string; url: string; secret: string; updated_at: Date | string; updated_by: string }>(
      'SELECT isv_id, url, secret, updated_at, updated_by FROM abuse_detector.isv_webhooks WHERE isv_id = $1',
      [isvId],
    );
    return row && { isvId: row.isv_id, url: row.url, secret: row.secret, updatedAt: new Date(row.updated_at), updatedBy: row.updated_by };
  }

  async enqueue(tx: SqlExecutor, delivery: { id: string; isvId: string; caseId: string; body: string; at: Date }): Promise<void> {
    await tx.query(
      `INSERT INTO abuse_detector.webhook_deliveries (id, isv_id, case_id, body, status, attempts, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5)`,
      [delivery.id, delivery.isvId, delivery.caseId, delivery.body, delivery.at.toISOString()],
    );
  }

  /** Claims up to `limit` due deliveries until `now + leaseMs`, counting the attempt. */
  async claimDue(now: Date, leaseMs: number, limit: number): Promise<DueDelivery[]> {
    const rows = await this.db.query<{ id: string; isv_id: string; case_id: string; body: string; attempts: number; created_at: Date | string }>(
      `UPDATE abuse_detector.webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $2
       WHERE id IN (SELECT id FROM abuse_detector.webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
                    ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, isv_id, case_id, body, attempts, created_at`,
      [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit],
    );
    return rows.map((row) => ({
      id: row.id,
      isvId: row.isv_id,
      caseId: row.case_id,
      body: row.body,
      attempts: Number(row.attempts),
      createdAt: new Date(row.created_at),
    }));
  }

  async delivered(id: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE abuse_detector.webhook_deliveries SET status = 'delivered', delivered_at = $2, last_error = NULL WHERE id = $1`, [
      id,
      at.toISOString(),
    ]);
  }

  /** Another attempt at `next`, or none (`next` undefined: failed for good). */
  async attemptFailed(id: string, error: string, next: Date | undefined): Promise<void> {
    await this.db.query(
      `UPDATE abuse_detector.webhook_deliveries SET last_error = $2, status = CASE WHEN $3::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
         next_attempt_at = COALESCE($3::timestamptz, next_attempt_at) WHERE id = $1`,
      [id, error.slice(0, 500), next?.toISOString() ?? null],
    );
  }

  /** The deliveries of one case, oldest first. */
  async forCase(caseId: string): Promise<DeliveryRecord[]> {
    const rows = await this.db.query<{
      id: string;
      status: DeliveryStatus;
      attempts: number;
      last_error: string | null;
      created_at: Date | string;
      delivered_at: Date | string | null;
    }>(
      'SELECT id, status, attempts, last_error, created_at, delivered_at FROM abuse_detector.webhook_deliveries WHERE case_id = $1 ORDER BY created_at, id',
      [caseId],
    );
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      attempts: Number(row.attempts),
      lastError: row.last_error,
      createdAt: new Date(row.created_at),
      deliveredAt: row.delivered_at === null ? null : new Date(row.delivered_at),
    }));
  }
}
