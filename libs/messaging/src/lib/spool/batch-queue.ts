/** How a {@link BatchQueue} batches. */
export interface BatchQueueOptions {
  /** Most items per batch (default 512). */
  readonly maxBatch?: number;
  /** Batches in flight at once (default 2): one is acknowledged while the next fills. */
  readonly concurrency?: number;
}

interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Sends items that arrive close together as one batch and settles every
 * caller with that batch's outcome, the way `GroupCommit` in persistence
 * batches transactions: under load a batch is whatever arrived while the
 * previous one was in flight, so nothing waits on a timer and a lone item
 * goes at once. Unlike GroupCommit there is no per-item retry: a batch
 * either reaches the bus or the spool as a whole, or fails as a whole.
 */
export class BatchQueue<T, R> {
  private readonly queue: Pending<T, R>[] = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private inFlight = 0;
  private scheduled = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly send: (items: readonly T[]) => Promise<R>,
    options: BatchQueueOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 512;
    this.concurrency = options.concurrency ?? 2;
  }

  /** Settles with the outcome of the batch `item` went out in. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a batch. */
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
    // Collect everything submitted in this turn of the event loop before sending.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
        else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    }
  }

  private async deliver(batch: readonly Pending<T, R>[]): Promise<void> {
    try {
      const result = await this.send(batch.map((p) => p.item));
      batch.forEach((p) => p.resolve(result));
    } catch (error) {
      batch.forEach((p) => p.reject(error));
    }
  }
}
