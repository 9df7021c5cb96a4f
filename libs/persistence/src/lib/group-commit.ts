import type { Transaction } from './database';
import { MicroBatcher, type BatchEntry } from './micro-batcher';

/** The part of a database a group commit needs: one transaction at a time. */
export interface TransactionRunner {
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
}

/** How a {@link GroupCommit} batches. */
export interface GroupCommitOptions {
  /** Most items per transaction (default 256). */
  readonly maxBatch?: number;
  /** Transactions in flight at once (default 2): one commits while the next batch fills. */
  readonly concurrency?: number;
}

/**
 * Writes items that arrive close together in one transaction, and settles
 * each caller's promise only after that transaction committed (group
 * commit, as databases do for their own log). Under load the batch is
 * whatever arrived while the previous commit was in flight, so nothing
 * waits on a timer and an idle system commits each item at once.
 *
 * A failed batch is retried one item per transaction, so one bad item
 * fails only its own caller. When the database itself is down every item
 * fails, and every caller hears it.
 *
 * The batching itself is {@link MicroBatcher}'s.
 */
export class GroupCommit<T> {
  private readonly batches: MicroBatcher<T, void>;

  constructor(
    private readonly db: TransactionRunner,
    private readonly write: (tx: Transaction, items: readonly T[]) => Promise<void>,
    options: GroupCommitOptions = {},
  ) {
    this.batches = new MicroBatcher((batch) => this.commit(batch), { maxBatch: options.maxBatch ?? 256, concurrency: options.concurrency ?? 2 });
  }

  /** Resolves once `item` is committed; rejects with the database's error otherwise. */
  submit(item: T): Promise<void> {
    return this.batches.submit(item);
  }

  /** Items waiting for a transaction, for metrics. */
  get backlog(): number {
    return this.batches.backlog;
  }

  /** Resolves when nothing is queued or in flight (for shutdown). */
  drained(): Promise<void> {
    return this.batches.drained();
  }

  private async commit(batch: readonly BatchEntry<T, void>[]): Promise<void> {
    try {
      await this.db.transaction((tx) =>
        this.write(
          tx,
          batch.map((p) => p.item),
        ),
      );
      batch.forEach((p) => p.resolve());
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // Find the bad item(s): each alone in its own transaction.
      await Promise.all(
        batch.map(async (p) => {
          try {
            await this.db.transaction((tx) => this.write(tx, [p.item]));
            p.resolve();
          } catch (single) {
            p.reject(single);
          }
        }),
      );
    }
  }
}
