import { Injectable } from '@nestjs/common';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
import { subscriptionKeys } from './issuer.table';

/** The two key slots of an ISV (the vendor's key1 and key2). */
export type KeySlot = 1 | 2;

/** A stored subscription key: its digest and hint, never the key. */
export type StoredSubscriptionKey = typeof subscriptionKeys.$inferSelect;

/** A new key's stored form. */
export interface NewSubscriptionKey {
  readonly id: string;
  readonly digest: string;
  readonly hint: string;
}

/** An ISV's subscription keys by slot; at most one active key per slot (enforced by the schema too). */
@Injectable()
export class SubscriptionKeyRepository {
  constructor(private readonly db: Database) {}

  /** The ISV's active keys, slot 1 first. */
  async active(isvId: string): Promise<StoredSubscriptionKey[]> {
    return this.db.drizzle
      .select()
      .from(subscriptionKeys)
      .where(and(eq(subscriptionKeys.isvId, isvId), isNull(subscriptionKeys.revokedAt)))
      .orderBy(asc(subscriptionKeys.slot));
  }

  /**
   * Puts a new key in `slot`, revoking the key it replaces in the same
   * transaction (rotation of that slot; the other slot keeps working).
   * Returns the id of the replaced key, if there was one.
   */
  async putInSlot(isvId: string, slot: KeySlot, key: NewSubscriptionKey, now: Date, tx?: DrizzleDb): Promise<string | undefined> {
    const work = async (db: DrizzleDb) => {
      const replaced = await this.revokeIn(db, isvId, slot, now);
      await db.insert(subscriptionKeys).values({ id: key.id, isvId, slot, digest: key.digest, hint: key.hint, createdAt: now });
      return replaced;
    };
    return tx ? work(tx) : this.db.transaction((t) => work(t.drizzle));
  }

  /** Revokes the active key in `slot`; returns its id, or undefined when the slot was empty. */
  async revokeSlot(isvId: string, slot: KeySlot, now: Date): Promise<string | undefined> {
    return this.revokeIn(this.db.drizzle, isvId, slot, now);
  }

  private async revokeIn(db: DrizzleDb, isvId: string, slot: KeySlot, now: Date): Promise<string | undefined> {
    const [row] = await db
      .update(subscriptionKeys)
      .set({ revokedAt: now })
      .where(and(eq(subscriptionKeys.isvId, isvId), eq(subscriptionKeys.slot, slot), isNull(subscriptionKeys.revokedAt)))
      .returning({ id: subscriptionKeys.id });
    return row?.id;
  }
}
