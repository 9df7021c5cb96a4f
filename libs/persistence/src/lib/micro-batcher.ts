/** How a {@link MicroBatcher} batches. */
export interface MicroBatcherOptions {
  /** Most items per batch. */
  readonly maxBatch: number;
  /** Batches in flight at once: with 2, one is being acknowledged while the next fills. */
  readonly concurrency: number;
}

/** One submitted item and the settling of its caller's promise. */
export interface BatchEntry<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Batches items that arrive close together and hands each batch to
 * `process`, which settles every entry of it. Under load a batch is
 * whatever arrived while the previous one was in flight, so nothing waits
 * on a timer and a lone item goes at once: the shape of a database's group
 * commit. `GroupCommit` (transactions, a failed batch retried item by item)
 * and the messaging layer's acknowledged publisher (a batch reaches the bus
 * or the spool as a whole) are built on it.
 *
 * Written here rather than taken from npm: the batching libraries there
 * (dataloader and kin) batch reads by key on a tick and have no notion of a
 * bounded number of batches in flight whose outcome each caller must hear.
 */
export class MicroBatcher<T, R> {
  private readonly queue: BatchEntry<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly idleWaiters: (() => void)[] = [];

  /** `process` must settle every entry of its batch; a rejection of its own rejects the entries it left unsettled. */
  constructor(
    private readonly process: (batch: readonly BatchEntry<T, R>[]) => Promise<void>,
    private readonly options: MicroBatcherOptions,
  ) {}

  /** Settles as `process` settles the entry of `item`. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a batch, for metrics. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Resolves when nothing is queued or in flight (for shutdown). */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.concurrency || this.queue.length === 0) return;
    this.scheduled = true;
    // Collect everything submitted in this turn of the event loop before starting a batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
        else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    }
  }

  private async run(batch: readonly BatchEntry<T, R>[]): Promise<void> {
    try {
      await this.process(batch);
    } catch (error) {
      // A settled promise ignores a second settling, so this reaches only the entries `process` left open.
      batch.forEach((entry) => entry.reject(error));
    }
  }
}
