import { Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { Database, type DrizzleDb } from '@latchkey/persistence';
import { policyState } from './rbac.table';

/**
 * The policy's version. A change calls {@link lock} first, in its
 * transaction: changes are then serialised (a check such as "no cycle"
 * sees every committed change), and {@link advance} draws the next value of
 * the `rbac.policy_version` sequence while holding the lock, so versions
 * increase in commit order. Deciders compare {@link committed} with the
 * version they loaded.
 */
@Injectable()
export class PolicyVersionRepository {
  constructor(private readonly db: Database) {}

  /** Takes the policy lock until the transaction ends; returns the committed version. */
  async lock(tx: DrizzleDb): Promise<number> {
    const [row] = await tx.select({ version: policyState.version }).from(policyState).where(eq(policyState.id, 1)).for('update');
    if (!row) throw new Error('rbac.policy_state has no row: the migrations did not run');
    return row.version;
  }

  /** Draws the next version and records it as the policy's; call under {@link lock}. */
  async advance(tx: DrizzleDb): Promise<number> {
    const [row] = await tx
      .update(policyState)
      .set({ version: sql`nextval('"rbac"."policy_version"')` })
      .where(eq(policyState.id, 1))
      .returning({ version: policyState.version });
    if (!row) throw new Error('rbac.policy_state has no row: the migrations did not run');
    return row.version;
  }

  /**
   * {@link committed} as one plain statement: the decision API asks this for
   * every batch of decisions, where drizzle's query building would cost more
   * than the read.
   */
  async committedNow(): Promise<number> {
    const [row] = await this.db.query<{ version: string | number }>('SELECT version FROM rbac.policy_state WHERE id = 1');
    return row === undefined ? 0 : Number(row.version);
  }

  /** The version of the last committed change (0 before any). */
  async committed(tx: DrizzleDb = this.db.drizzle): Promise<number> {
    const [row] = await tx.select({ version: policyState.version }).from(policyState).where(eq(policyState.id, 1));
    return row?.version ?? 0;
  }
}
