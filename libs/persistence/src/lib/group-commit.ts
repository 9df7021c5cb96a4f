import type { Transaction } from './database';

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

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
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
 * Written here rather than taken from npm: the batching libraries there
 * (dataloader and kin) batch reads by key and have no notion of a
 * transaction that must commit before anyone is answered.
 */
export class GroupCommit<T> {
  private readonly queue: Pending<T>[] = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private inFlight = 0;
  private scheduled = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: TransactionRunner,
    private readonly write: (tx: Transaction, items: readonly T[]) => Promise<void>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.concurrency = options.concurrency ?? 2;
  }

  /** Resolves once `item` is committed; rejects with the database's error otherwise. */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a transaction, for metrics. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or in flight (for shutdown). */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.concurrency || this.queue.length === 0) return;
    this.scheduled = true;
    // Collect everything submitted in this turn of the event loop before starting.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
        else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    }
  }

  private async commit(batch: Pending<T>[]): Promise<void> {
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
