import { createHash } from 'node:crypto';
import type { DeliveredMessage, TransportMessage } from '../transport/transport';

/** Thrown by `append` while the broker is stopped (tests simulate an outage with it). */
export class BrokerUnavailableError extends Error {
  constructor() {
    super('in-process broker is unavailable');
    this.name = 'BrokerUnavailableError';
  }
}

interface TopicLog {
  readonly partitions: DeliveredMessage[][];
  /** Append time (epoch ms) of each message, per partition: Kafka's log-append/create time, for rewinds. */
  readonly appendedAt: number[][];
  readonly compacted: boolean;
}

type Wakeup = () => void;

/**
 * An embedded, in-memory broker with Kafka's observable semantics: topics of
 * N partitions, the key choosing the partition (so per-key order holds),
 * committed offsets per consumer group and partition, and waiters woken on
 * append. It keeps everything in memory: it is the `npm start` default for
 * one process, not a durable store (the outbox is what survives restarts).
 */
export class InProcessBroker {
  private static sharedInstance: InProcessBroker | undefined;
  private readonly topics = new Map<string, TopicLog>();
  private readonly committed = new Map<string, number>();
  private readonly waiters = new Set<Wakeup>();
  private available = true;

  constructor(readonly partitionCount = 3) {}

  /** The one broker of this process, shared by every service of the standalone runtime. */
  static shared(): InProcessBroker {
    InProcessBroker.sharedInstance ??= new InProcessBroker();
    return InProcessBroker.sharedInstance;
  }

  isAvailable(): boolean {
    return this.available;
  }

  /** Simulates an outage: appends fail until `start()`. Delivery of stored messages pauses too. */
  stop(): void {
    this.available = false;
  }

  start(): void {
    this.available = true;
    this.wakeAll();
  }

  createTopic(name: string, compacted = false): void {
    if (this.topics.has(name)) return;
    const partitions = Array.from({ length: this.partitionCount }, () => [] as DeliveredMessage[]);
    const appendedAt = Array.from({ length: this.partitionCount }, () => [] as number[]);
    this.topics.set(name, { partitions, appendedAt, compacted });
  }

  /** Appends messages in order; all or nothing while available. */
  append(messages: readonly TransportMessage[]): void {
    if (!this.available) throw new BrokerUnavailableError();
    const now = Date.now();
    for (const message of messages) {
      this.createTopic(message.topic);
      const log = this.topicLog(message.topic);
      const partition = this.partitionFor(message.key);
      const entries = log.partitions[partition];
      entries.push({ ...message, partition, offset: String(entries.length) });
      log.appendedAt[partition].push(now);
    }
    this.wakeAll();
  }

  /** Partitions of `topic` (creating it, as Kafka's auto-create would). */
  partitionsOf(topic: string): number[] {
    this.createTopic(topic);
    return this.topicLog(topic).partitions.map((_, i) => i);
  }

  /** Up to `max` messages from `offset` on, in order. */
  read(topic: string, partition: number, offset: number, max: number): DeliveredMessage[] {
    if (!this.available) return [];
    return this.topicLog(topic).partitions[partition].slice(offset, offset + max);
  }

  /** The group's next offset to read on a partition (0 when it committed nothing). */
  committedOffset(group: string, topic: string, partition: number): number {
    return this.committed.get(this.offsetKey(group, topic, partition)) ?? 0;
  }

  /** The first offset appended at or after `sinceMs` (the end of the partition when none was): Kafka's offset-by-timestamp. */
  offsetForTime(topic: string, partition: number, sinceMs: number): number {
    const times = this.topicLog(topic).appendedAt[partition];
    const index = times.findIndex((t) => t >= sinceMs);
    return index === -1 ? times.length : index;
  }

  /** Moves the group's offset past `message`. */
  commit(group: string, message: DeliveredMessage): void {
    this.committed.set(this.offsetKey(group, message.topic, message.partition), Number(message.offset) + 1);
  }

  /** Per partition of `topic`: the group's next offset and the offset the next message will get. */
  progress(group: string, topic: string): { partition: number; committed: bigint; end: bigint }[] {
    return this.partitionsOf(topic).map((partition) => ({
      partition,
      committed: BigInt(this.committed.get(this.offsetKey(group, topic, partition)) ?? 0),
      end: BigInt(this.topicLog(topic).partitions[partition].length),
    }));
  }

  /** Resolves on the next append or restart; consumers park here when caught up. */
  waitForAppend(signal: { stopped: boolean }, maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, signal.stopped ? 0 : maxWaitMs);
      this.waiters.add(wake);
    });
  }

  /** Wakes every parked consumer loop (a stopping consumer's loop then sees its signal and ends; the others park again). */
  wakeWaiting(): void {
    this.wakeAll();
  }

  /** Every message of a topic in partition order; a test and debugging aid. */
  messages(topic: string): DeliveredMessage[] {
    const log = this.topics.get(topic);
    return log ? log.partitions.flat() : [];
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private topicLog(name: string): TopicLog {
    const log = this.topics.get(name);
    if (!log) throw new Error(`unknown topic ${name}`);
    return log;
  }

  /** A stable hash of the key, like Kafka's default partitioner in spirit (not bit-compatible). */
  private partitionFor(key: string): number {
    return createHash('sha1').update(key).digest().readUInt32BE(0) % this.partitionCount;
  }

  private offsetKey(group: string, topic: string, partition: number): string {
    return `${group}\u0000${topic}\u0000${partition}`;
  }
}
