import { Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import { Database, type SqlExecutor } from '@latchkey/persistence';
import { clientBlocks, issuances } from './issuer.table';

/** One client of an ISV, as its self-service lists it. */
export interface ClientSummary {
  readonly resourceId: string;
  readonly blocked: boolean;
  readonly issuedSince: number;
  readonly lastIssuedAt: Date | null;
}

/** One issuance as recorded. */
export type IssuanceRecord = typeof issuances.$inferInsert;

/** The columns of a recorded issuance, in INSERT order, with how each value is sent. */
const ISSUANCE_COLUMNS: readonly { name: string; cast: string; value: (r: IssuanceRecord) => unknown }[] = [
  { name: 'jti', cast: '', value: (r) => r.jti },
  { name: 'isv_id', cast: '', value: (r) => r.isvId },
  { name: 'resource_id', cast: '', value: (r) => r.resourceId },
  { name: 'features', cast: '::text[]', value: (r) => r.features },
  { name: 'lifetime_seconds', cast: '::integer', value: (r) => r.lifetimeSeconds },
  { name: 'issued_at', cast: '::timestamptz', value: (r) => r.issuedAt.toISOString() },
  { name: 'expires_at', cast: '::timestamptz', value: (r) => r.expiresAt.toISOString() },
  { name: 'kid', cast: '', value: (r) => r.kid },
  { name: 'cnf_jkt', cast: '', value: (r) => r.cnfJkt ?? null },
  { name: 'client_ip', cast: '', value: (r) => r.clientIp ?? null },
  { name: 'user_agent', cast: '', value: (r) => r.userAgent ?? null },
  { name: 'trace_id', cast: '', value: (r) => r.traceId ?? null },
];

/** Issuance records and the client blocks that refuse them. */
@Injectable()
export class IssuanceRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records issuances inside the caller's transaction (with their outbox
   * events), in one multi-row statement. Plain SQL: this is the issuance hot
   * path, and drizzle's per-value mapping cost about a tenth of the issuer's
   * CPU here (docs/BENCHMARKS.md).
   */
  async record(tx: SqlExecutor, records: readonly IssuanceRecord[]): Promise<void> {
    if (records.length === 0) return;
    const placeholders = records.map((_, row) => `(${ISSUANCE_COLUMNS.map((c, col) => `$${row * ISSUANCE_COLUMNS.length + col + 1}${c.cast}`).join(', ')})`);
    await tx.query(
      `INSERT INTO issuer.issuances (${ISSUANCE_COLUMNS.map((c) => c.name).join(', ')}) VALUES ${placeholders.join(', ')}`,
      records.flatMap((r) => ISSUANCE_COLUMNS.map((c) => c.value(r))),
    );
  }

  async findByJti(jti: string): Promise<typeof issuances.$inferSelect | undefined> {
    const [row] = await this.db.drizzle.select().from(issuances).where(eq(issuances.jti, jti)).limit(1);
    return row;
  }

  /** Every client resource the ISV blocked (canonical ids). */
  async blockedResources(isvId: string): Promise<string[]> {
    const rows = await this.db.drizzle.select({ resourceId: clientBlocks.resourceId }).from(clientBlocks).where(eq(clientBlocks.isvId, isvId));
    return rows.map((r) => r.resourceId);
  }

  async block(isvId: string, resourceId: string, reason: string | null): Promise<void> {
    await this.db.drizzle.insert(clientBlocks).values({ isvId, resourceId, reason }).onConflictDoNothing();
  }

  /** Lifts a block; returns true when there was one. */
  async unblock(isvId: string, resourceId: string): Promise<boolean> {
    const rows = await this.db.drizzle
      .delete(clientBlocks)
      .where(and(eq(clientBlocks.isvId, isvId), eq(clientBlocks.resourceId, resourceId)))
      .returning({ resourceId: clientBlocks.resourceId });
    return rows.length === 1;
  }

  /** The ISV's clients: every resource it issued for or blocked, with issuances since `since`. */
  async clientsOf(isvId: string, since: Date): Promise<ClientSummary[]> {
    const rows = await this.db.query<{ resource_id: string; issued: string | number; last_issued_at: string | Date | null; blocked: boolean }>(
      `SELECT r.resource_id,
              count(i.jti) FILTER (WHERE i.issued_at >= $2) AS issued,
              max(i.issued_at) AS last_issued_at,
              bool_or(b.isv_id IS NOT NULL) AS blocked
         FROM (SELECT resource_id FROM issuer.issuances WHERE isv_id = $1
               UNION SELECT resource_id FROM issuer.client_blocks WHERE isv_id = $1) r
         LEFT JOIN issuer.issuances i ON i.isv_id = $1 AND i.resource_id = r.resource_id
         LEFT JOIN issuer.client_blocks b ON b.isv_id = $1 AND b.resource_id = r.resource_id
        GROUP BY r.resource_id
        ORDER BY r.resource_id`,
      [isvId, since.toISOString()],
    );
    return rows.map((r) => ({
      resourceId: r.resource_id,
      blocked: r.blocked,
      issuedSince: Number(r.issued),
      lastIssuedAt: r.last_issued_at ? new Date(r.last_issued_at) : null,
    }));
  }
}
