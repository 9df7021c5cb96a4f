import { Injectable } from '@nestjs/common';
import { Database } from '@latchkey/persistence';

/** Most rows one prune step deletes (one transaction; the step then ends at a checkpoint at or below this many rows on). */
export const PRUNE_STEP_ROWS = 50_000;

/** A checkpoint a prune can end at: rows before `treeSize` go, row `treeSize` (the checkpoint's head) stays as the chain's new first row. */
export interface PruneBoundary {
  readonly treeSize: number;
  readonly headHash: string;
}

/**
 * Retention's storage side. Rows are only ever removed from the start of
 * the chain and only up to a signed checkpoint's head row, which stays:
 * verification then starts at that row, on the checkpoint's word for its
 * link to the pruned rows (verifyChain), so a pruned store still verifies,
 * while a prefix cut anywhere else is reported as a deletion. Checkpoints
 * are never pruned (they are small, and each links to the one before).
 */
@Injectable()
export class AuditRetentionRepository {
  constructor(private readonly db: Database) {}

  /** The first stored row's seq (0 when the store is empty). */
  async firstSeq(): Promise<number> {
    const [row] = await this.db.query<{ seq: string | number }>('SELECT seq FROM audit.events ORDER BY seq LIMIT 1');
    return row ? Number(row.seq) : 0;
  }

  /**
   * The next boundary for a prune of rows stored before `cutoff`: the
   * furthest checkpoint signed before the cutoff within PRUNE_STEP_ROWS of
   * the first row, else the nearest one beyond (a step of more rows, when
   * checkpoints were far apart); undefined when nothing is due.
   */
  async nextBoundary(cutoff: Date, firstSeq: number): Promise<PruneBoundary | undefined> {
    const [row] = await this.db.query<{ tree_size: string | number; head_hash: string }>(
      `SELECT tree_size, head_hash FROM audit.checkpoints
        WHERE created_at < $1 AND tree_size > $2
        ORDER BY (tree_size <= $2 + $3) DESC, CASE WHEN tree_size <= $2 + $3 THEN -tree_size ELSE tree_size END
        LIMIT 1`,
      [cutoff, firstSeq, PRUNE_STEP_ROWS],
    );
    return row ? { treeSize: Number(row.tree_size), headHash: row.head_hash } : undefined;
  }

  /**
   * Deletes the rows before `boundary.treeSize`, in one transaction, only
   * when the boundary row still carries the checkpoint's head hash (a store
   * that no longer matches its checkpoints is evidence, not garbage).
   * Returns the number of rows deleted, or undefined when it refused.
   */
  async pruneBefore(boundary: PruneBoundary): Promise<number | undefined> {
    return this.db.transaction(async (tx) => {
      const [head] = await tx.query<{ hash: string }>('SELECT hash FROM audit.events WHERE seq = $1 FOR SHARE', [boundary.treeSize]);
      if (head?.hash !== boundary.headHash) return undefined;
      const [deleted] = await tx.query<{ n: string }>(
        'WITH gone AS (DELETE FROM audit.events WHERE seq < $1 RETURNING 1) SELECT count(*) AS n FROM gone',
        [boundary.treeSize],
      );
      return Number(deleted?.n ?? 0);
    });
  }

  /** Deletes dead-letter records received before `cutoff` (they are counted apart from the chain; no anchor needed). */
  async pruneDeadLetters(cutoff: Date): Promise<number> {
    const [deleted] = await this.db.query<{ n: string }>(
      'WITH gone AS (DELETE FROM audit.dead_letters WHERE received_at < $1 RETURNING 1) SELECT count(*) AS n FROM gone',
      [cutoff],
    );
    return Number(deleted?.n ?? 0);
  }
}
