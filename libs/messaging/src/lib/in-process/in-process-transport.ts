import {
  DEFAULT_MAX_BATCH_SIZE,
  type ConsumeSpec,
  type ConsumerHandle,
  type PartitionProgress,
  type Transport,
  type TransportMessage,
} from '../transport/transport';
import { sleep } from '../transport/deadline';
import { messagingGauges, type PartitionLag } from '../metrics/messaging-gauges';
import { InProcessBroker } from './in-process-broker';

/** How long a caught-up partition loop parks before looking again (it is also woken on append). */
const IDLE_WAIT_MS = 250;
/** Pause before redelivering a message whose handler rejected. */
const REDELIVERY_DELAY_MS = 50;

/**
 * One member of a consumer group: a loop per subscribed partition that
 * delivers the message (or, for a batch subscription, the messages) at the
 * committed offset, commits only after the handler resolved, and delivers
 * the same messages again when it rejected.
 * Groups are independent; two members of one group would both read every
 * partition, so the bus creates one member per group and service.
 */
class InProcessConsumer implements ConsumerHandle {
  private readonly signal = { stopped: false };
  private loops: Promise<void>[] = [];
  private unobserve: (() => void) | undefined;

  constructor(
    private readonly broker: InProcessBroker,
    private readonly spec: ConsumeSpec,
  ) {}

  get group(): string {
    return this.spec.group;
  }

  start(): void {
    for (const topic of this.spec.topics) {
      for (const partition of this.broker.partitionsOf(topic)) {
        this.loops.push(this.partitionLoop(topic, partition));
      }
    }
    this.unobserve = messagingGauges.addLagSource(this);
  }

  /** Per subscribed partition, the messages appended past the group's committed offset (read from the broker at each scrape). */
  lag(): PartitionLag[] {
    return this.spec.topics.flatMap((topic) =>
      this.broker.progress(this.spec.group, topic).map((p) => ({ topic, partition: p.partition, lag: p.end - p.committed })),
    );
  }

  running(): boolean {
    return !this.signal.stopped;
  }

  /** The in-process broker delivers as it appends: a running consumer is only ever behind by what it is handling. */
  caughtUpAt(): number | undefined {
    return this.running() ? Date.now() : undefined;
  }

  async stop(): Promise<void> {
    this.signal.stopped = true;
    this.unobserve?.();
    // A caught-up loop is parked for up to IDLE_WAIT_MS: wake it so that a shutdown does not wait that out.
    this.broker.wakeWaiting();
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async partitionLoop(topic: string, partition: number): Promise<void> {
    const spec = this.spec;
    const max = spec.onBatch ? (spec.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE) : 1;
    // One member per group and no rebalances: the position is decided once, at start.
    const committed = this.broker.committedOffset(spec.group, topic, partition);
    let position = spec.rewindMs ? Math.min(committed, this.broker.offsetForTime(topic, partition, Date.now() - spec.rewindMs)) : committed;
    while (!this.signal.stopped) {
      const messages = this.broker.read(topic, partition, position, max).map((m) => (Number(m.offset) < committed ? { ...m, replay: true } : m));
      if (messages.length === 0) {
        await this.broker.waitForAppend(this.signal, IDLE_WAIT_MS);
        continue;
      }
      try {
        if (spec.onBatch) await spec.onBatch(messages);
        else await spec.onMessage(messages[0]);
        const last = messages[messages.length - 1];
        position = Number(last.offset) + 1;
        // A replay never moves the group's committed offset back.
        if (position > committed) this.broker.commit(spec.group, last);
      } catch {
        // Not handled: keep the offset, deliver the same messages again.
        await sleep(REDELIVERY_DELAY_MS);
      }
    }
  }
}

/** The embedded transport used by `npm start`: the process-wide in-process broker. */
export class InProcessTransport implements Transport {
  readonly kind = 'in-process' as const;
  private readonly consumers = new Set<InProcessConsumer>();

  constructor(private readonly broker: InProcessBroker = InProcessBroker.shared()) {}

  async connect(): Promise<void> {
    // Nothing to connect: the broker lives in this process.
  }

  async ensureTopics(topics: readonly { name: string; compacted?: boolean }[]): Promise<void> {
    for (const topic of topics) this.broker.createTopic(topic.name, topic.compacted);
  }

  async send(messages: readonly TransportMessage[]): Promise<void> {
    this.broker.append(messages);
  }

  async consume(spec: ConsumeSpec): Promise<ConsumerHandle> {
    const consumer = new InProcessConsumer(this.broker, spec);
    this.consumers.add(consumer);
    consumer.start();
    return {
      group: spec.group,
      running: () => consumer.running(),
      caughtUpAt: () => consumer.caughtUpAt(),
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  async progress(group: string, topic: string): Promise<readonly PartitionProgress[]> {
    return this.broker.progress(group, topic);
  }

  connected(): boolean {
    return this.broker.isAvailable();
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.consumers.clear();
  }
}
