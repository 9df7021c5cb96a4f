import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { Database } from '@latchkey/persistence';
import { isvs } from './issuer.table';

/** An ISV as the issuer sees it. */
export type Isv = typeof isvs.$inferSelect;

/** Reads and writes ISVs; keys are looked up by digest only. */
@Injectable()
export class IsvRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<Isv | undefined> {
    const [row] = await this.db.drizzle.select().from(isvs).where(eq(isvs.id, id)).limit(1);
    return row;
  }

  async findByKeyHash(hash: string): Promise<Isv | undefined> {
    const [row] = await this.db.drizzle.select().from(isvs).where(eq(isvs.subscriptionKeyHash, hash)).limit(1);
    return row;
  }

  /** Inserts the ISV unless one with its id exists; returns true when inserted. */
  async insertIfAbsent(isv: typeof isvs.$inferInsert): Promise<boolean> {
    const rows = await this.db.drizzle.insert(isvs).values(isv).onConflictDoNothing({ target: isvs.id }).returning({ id: isvs.id });
    return rows.length === 1;
  }
}
