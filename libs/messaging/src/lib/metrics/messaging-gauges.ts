import { catalogueGauge, latchkeyMeter } from '@latchkey/telemetry';
import type { Meter, ObservableResult } from '@opentelemetry/api';

/** One partition a consumer member reads, and how many of its messages the group has not handled yet. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: bigint;
}

/** A running consumer group member, observed at every scrape (must answer synchronously, from memory). */
export interface LagSource {
  readonly group: string;
  lag(): readonly PartitionLag[];
}

/** What a running outbox relay reports at every scrape; undefined when it could not tell (the database failed). */
export interface BacklogSource {
  readonly schema: string;
  backlog(): Promise<{ count: number; oldestAgeMs: number } | undefined>;
}

/**
 * The process's messaging gauges (latchkey.consumer.lag,
 * latchkey.outbox.backlog, latchkey.outbox.oldest_age): one callback per
 * gauge for the whole process, however many transports, consumers and
 * relays it runs (the standalone process runs every service's). Consumers
 * and relays add themselves when they start and remove themselves when they
 * stop, so a stopped one is no longer observed. The outbox callback asks
 * each relay once per scrape (one SQL query) for both outbox gauges.
 *
 * The instruments are created when a source is added, never at module load
 * (before telemetry starts the metrics API hands out no-op instruments), and
 * again whenever the meter changed since (telemetry started after an earlier
 * source was added, or stopped and started again, as specs do).
 */
class MessagingGauges {
  private readonly lagSources = new Set<LagSource>();
  private readonly backlogSources = new Set<BacklogSource>();
  private meter: Meter | undefined;

  /** Observes `source` until the returned function is called. */
  addLagSource(source: LagSource): () => void {
    this.bind();
    this.lagSources.add(source);
    return () => this.lagSources.delete(source);
  }

  /** Observes `source` until the returned function is called. */
  addBacklogSource(source: BacklogSource): () => void {
    this.bind();
    this.backlogSources.add(source);
    return () => this.backlogSources.delete(source);
  }

  private bind(): void {
    const meter = latchkeyMeter();
    if (meter === this.meter) return;
    this.meter = meter;
    catalogueGauge('consumerLag').addCallback((result) => this.observeLag(result));
    const backlog = catalogueGauge('outboxBacklog');
    const oldestAge = catalogueGauge('outboxOldestAge');
    meter.addBatchObservableCallback(
      async (result) => {
        const sources = [...this.backlogSources];
        const answers = await Promise.all(sources.map((source) => source.backlog()));
        answers.forEach((answer, i) => {
          if (answer === undefined) return; // the relay logged why; no value beats a stale one
          const labels = { schema: sources[i].schema };
          result.observe(backlog, answer.count, labels);
          result.observe(oldestAge, answer.oldestAgeMs, labels);
        });
      },
      [backlog, oldestAge],
    );
  }

  private observeLag(result: ObservableResult): void {
    for (const source of this.lagSources) {
      for (const { topic, partition, lag } of source.lag()) {
        result.observe(Number(lag), { group: source.group, topic, partition: String(partition) });
      }
    }
  }
}

/** The one registry of this process. */
export const messagingGauges = new MessagingGauges();
