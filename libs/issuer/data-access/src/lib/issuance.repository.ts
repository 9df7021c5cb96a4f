import { Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
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

/** Issuance records and the client blocks that refuse them. */
@Injectable()
export class IssuanceRepository {
  constructor(private readonly db: Database) {}

  /** Records an issuance inside the caller's transaction (with its outbox event). */
  async record(tx: DrizzleDb, issuance: IssuanceRecord): Promise<void> {
    await tx.insert(issuances).values(issuance);
  }

  async findByJti(jti: string): Promise<typeof issuances.$inferSelect | undefined> {
    const [row] = await this.db.drizzle.select().from(issuances).where(eq(issuances.jti, jti)).limit(1);
    return row;
  }

  /** True when the ISV stopped generating tokens for this (canonical) client resource. */
  async isBlocked(isvId: string, resourceId: string): Promise<boolean> {
    const rows = await this.db.drizzle
      .select({ isvId: clientBlocks.isvId })
      .from(clientBlocks)
      .where(and(eq(clientBlocks.isvId, isvId), eq(clientBlocks.resourceId, resourceId)))
      .limit(1);
    return rows.length === 1;
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
