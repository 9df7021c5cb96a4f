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

  /** Keys still published (next, active and retiring). */
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

  /** Makes a new key the active key at once: the current active key starts retiring at `now`. */
  async promote(tx: Transaction, next: typeof signingKeys.$inferInsert, now: Date): Promise<void> {
    await this.stopActive(tx, now);
    await tx.drizzle.insert(signingKeys).values({ ...next, status: 'active', activateAt: now });
  }

  /** Publishes a key ahead of signing; it takes over at `activateAt` (see activateNext). */
  async insertNext(tx: Transaction, next: typeof signingKeys.$inferInsert, activateAt: Date): Promise<void> {
    await tx.drizzle.insert(signingKeys).values({ ...next, status: 'next', activateAt });
  }

  /** Moves the next key's takeover time (an operator asked for a rotation now). */
  async rescheduleNext(tx: Transaction, kid: string, activateAt: Date): Promise<void> {
    await tx.query("UPDATE issuer.signing_keys SET activate_at = $2 WHERE kid = $1 AND status = 'next'", [kid, activateAt.toISOString()]);
  }

  /** The next key signs from `now`; the current active key starts retiring. False when `kid` is not the next key (any more). */
  async activateNext(tx: Transaction, kid: string, now: Date): Promise<boolean> {
    if ((await this.statusOf(tx, kid)) !== 'next') return false;
    await this.stopActive(tx, now);
    await tx.query("UPDATE issuer.signing_keys SET status = 'active', activate_at = $2 WHERE kid = $1", [kid, now.toISOString()]);
    return true;
  }

  /** The next key's kid, read inside the ring's lock. */
  async nextKid(tx: Transaction): Promise<string | undefined> {
    const [row] = await tx.query<{ kid: string }>("SELECT kid FROM issuer.signing_keys WHERE status = 'next' LIMIT 1");
    return row?.kid;
  }

  private async stopActive(tx: Transaction, now: Date): Promise<void> {
    await tx.query("UPDATE issuer.signing_keys SET status = 'retiring', retiring_at = $1 WHERE status = 'active'", [now.toISOString()]);
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
