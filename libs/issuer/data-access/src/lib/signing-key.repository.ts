import { Injectable } from '@nestjs/common';
import { ne } from 'drizzle-orm';
import { Database, type Transaction } from '@latchkey/persistence';
import { signingKeys } from './issuer.table';

/** Serialises ring changes across issuer replicas. */
const ROTATION_LOCK = 0x4c4b4b52; // "LKKR"

/** A stored signing key (private half sealed). */
export type StoredSigningKey = typeof signingKeys.$inferSelect;

/** Signing keys: the ring is read at start and on rotation; never the private half in clear. */
@Injectable()
export class SigningKeyRepository {
  constructor(private readonly db: Database) {}

  /** Keys still published (active and retiring). */
  async listPublished(): Promise<StoredSigningKey[]> {
    return this.db.drizzle.select().from(signingKeys).where(ne(signingKeys.status, 'retired'));
  }

  async insert(key: typeof signingKeys.$inferInsert): Promise<void> {
    await this.db.drizzle.insert(signingKeys).values(key);
  }

  /**
   * Runs `work` holding the ring's lock, or skips it (returns undefined) when
   * another replica holds it: rotation and retirement happen once, not once
   * per replica. With `wait`, it waits for the lock instead (creating the
   * first key, which every booting replica needs to see before it serves).
   */
  async underRotationLock<T>(work: (tx: Transaction) => Promise<T>, options: { wait?: boolean } = {}): Promise<T | undefined> {
    return this.db.transaction(async (tx) => {
      if (options.wait) {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK]);
        return work(tx);
      }
      const [lock] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [ROTATION_LOCK]);
      return lock?.locked ? work(tx) : undefined;
    });
  }

  /** Makes `next` the active key: the current active key starts retiring at `now`. */
  async promote(tx: Transaction, next: typeof signingKeys.$inferInsert, now: Date): Promise<void> {
    await tx.query("UPDATE issuer.signing_keys SET status = 'retiring', retiring_at = $1 WHERE status = 'active'", [now.toISOString()]);
    await tx.drizzle.insert(signingKeys).values({ ...next, status: 'active' });
  }

  /** Takes keys out of the JWKS for good; returns the kids that changed. */
  async retire(tx: Transaction, kids: readonly string[], now: Date): Promise<string[]> {
    if (kids.length === 0) return [];
    const rows = await tx.query<{ kid: string }>(
      "UPDATE issuer.signing_keys SET status = 'retired', retired_at = $1, retiring_at = coalesce(retiring_at, $1) WHERE kid = ANY($2) AND status <> 'retired' RETURNING kid",
      [now.toISOString(), [...kids]],
    );
    return rows.map((r) => r.kid);
  }

  /** Whether a key signs, read inside the ring's lock. */
  async hasActive(tx: Transaction): Promise<boolean> {
    return (await tx.query("SELECT 1 FROM issuer.signing_keys WHERE status = 'active' LIMIT 1")).length === 1;
  }

  async statusOf(tx: Transaction, kid: string): Promise<string | undefined> {
    const [row] = await tx.query<{ status: string }>('SELECT status FROM issuer.signing_keys WHERE kid = $1', [kid]);
    return row?.status;
  }
}
