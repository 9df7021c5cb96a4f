/**
 * A message as the transports move it: Kafka's shape (key, value, string
 * headers). The CloudEvents codec maps envelopes to and from it, so both
 * transports carry byte-identical messages.
 */
export interface TransportMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** Where a delivered message came from; used for dead-letter metadata. */
export interface DeliveredMessage extends TransportMessage {
  readonly partition: number;
  readonly offset: string;
}

/**
 * Receives one message. Resolving means "handled, commit the offset";
 * rejecting means "not handled": the transport delivers the same message
 * again and does not move past it (per-partition order is kept).
 */
export type MessageHandler = (message: DeliveredMessage) => Promise<void>;

/** What a consumer group subscribes to. */
export interface ConsumeSpec {
  readonly group: string;
  readonly topics: readonly string[];
  readonly onMessage: MessageHandler;
}

/** One partition of {@link Transport.progress}. */
export interface PartitionProgress {
  readonly partition: number;
  readonly committed: bigint;
  readonly end: bigint;
}

/** A running consumer; `running` turns false when it crashed and could not restart. */
export interface ConsumerHandle {
  readonly group: string;
  running(): boolean;
  /**
   * When this member last had read everything its partitions held (epoch
   * ms): how a verifier tells a feed that is connected but behind, or no
   * longer fetching, from a current one. Undefined before the first fetch.
   */
  caughtUpAt(): number | undefined;
  stop(): Promise<void>;
}

/**
 * The seam between the EventBus and a broker. Two implementations: Kafka
 * (kafkajs) and the embedded in-process broker. Both give at-least-once
 * delivery with offsets committed only after the handler resolved,
 * per-key ordering, and independent consumer groups.
 */
export interface Transport {
  readonly kind: 'kafka' | 'in-process';
  connect(): Promise<void>;
  /** Creates topics that do not exist yet (idempotent). */
  ensureTopics(topics: readonly { name: string; compacted?: boolean }[]): Promise<void>;
  /** Sends and waits for the broker's acknowledgement (all in-sync replicas), or rejects. */
  send(messages: readonly TransportMessage[], timeoutMs: number): Promise<void>;
  consume(spec: ConsumeSpec): Promise<ConsumerHandle>;
  /**
   * How far a group has read `topic` against how far the topic goes, per
   * partition: `end` is the offset the next message will get, `committed`
   * the group's next offset to read (0 when it committed nothing). A group
   * with `committed >= end` everywhere has seen every message that existed
   * when this was asked: how a verifier knows it loaded a compacted topic.
   */
  progress(group: string, topic: string): Promise<readonly PartitionProgress[]>;
  /** True while the producer side can reach the broker. */
  connected(): boolean;
  close(): Promise<void>;
}
