import { Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
import { clientBlocks, issuances } from './issuer.table';

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
}
