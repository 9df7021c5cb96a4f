import { Injectable } from '@nestjs/common';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
import { isvs, subscriptionKeys } from './issuer.table';

/** An ISV as the issuer sees it. */
export type Isv = typeof isvs.$inferSelect;

/** What an operator may change on an ISV. */
export type IsvChanges = Partial<Pick<Isv, 'displayName' | 'status' | 'grantedFeatures' | 'resourceId' | 'dpopRequired'>>;

/** Reads and writes ISVs; an ISV is found from a request only by the digest of an active key. */
@Injectable()
export class IsvRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<Isv | undefined> {
    const [row] = await this.db.drizzle.select().from(isvs).where(eq(isvs.id, id)).limit(1);
    return row;
  }

  /** The ISV holding the active (not revoked) subscription key with this digest. */
  async findByKeyDigest(digest: string): Promise<Isv | undefined> {
    const [row] = await this.db.drizzle
      .select({ isv: isvs })
      .from(subscriptionKeys)
      .innerJoin(isvs, eq(isvs.id, subscriptionKeys.isvId))
      .where(and(eq(subscriptionKeys.digest, digest), isNull(subscriptionKeys.revokedAt)))
      .limit(1);
    return row?.isv;
  }

  async list(): Promise<Isv[]> {
    return this.db.drizzle.select().from(isvs).orderBy(asc(isvs.id));
  }

  /** Inserts the ISV unless one with its id exists; returns true when inserted. */
  async insertIfAbsent(isv: typeof isvs.$inferInsert, tx: DrizzleDb = this.db.drizzle): Promise<boolean> {
    const rows = await tx.insert(isvs).values(isv).onConflictDoNothing({ target: isvs.id }).returning({ id: isvs.id });
    return rows.length === 1;
  }

  /** Applies `changes`; returns the updated ISV, or undefined when there is none with this id. */
  async update(id: string, changes: IsvChanges): Promise<Isv | undefined> {
    const [row] = await this.db.drizzle.update(isvs).set(changes).where(eq(isvs.id, id)).returning();
    return row;
  }
}
