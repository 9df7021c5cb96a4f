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
  /**
   * True when a rewind (ConsumeSpec.rewindMs) delivers again a message the
   * group had already committed past: its effects exist already, it is read
   * only to rebuild in-memory state. Never dead-lettered again.
   */
  readonly replay?: boolean;
}

/**
 * Receives one message. Resolving means "handled, commit the offset";
 * rejecting means "not handled": the transport delivers the same message
 * again and does not move past it (per-partition order is kept).
 */
export type MessageHandler = (message: DeliveredMessage) => Promise<void>;

/**
 * Receives up to `maxBatchSize` consecutive messages of one partition, in
 * offset order. Resolving means "all handled, commit past the last one";
 * rejecting means "none handled": the transport delivers them again.
 */
export type BatchHandler = (messages: readonly DeliveredMessage[]) => Promise<void>;

/** What a consumer group subscribes to: one message at a time, or batches of one partition's messages. */
export type ConsumeSpec = {
  readonly group: string;
  readonly topics: readonly string[];
  /**
   * Rewind on start: whenever this member is given a partition (start, and
   * every rebalance on Kafka), it reads from the earlier of the group's
   * committed offset and the first message appended at or after
   * now − rewindMs, so a consumer that keeps state in memory sees the recent
   * stream again. Messages below the committed offset arrive with `replay`
   * set and commit nothing; a partition this member already read in this
   * process is not read twice. Unset or 0: resume at the committed offset.
   */
  readonly rewindMs?: number;
  /**
   * Kafka only: how long the group coordinator waits for a heartbeat before it
   * gives this member up (default 30 s; the heartbeat interval follows, a
   * tenth of it, 3 s at most). It is also how long a member that restarts
   * (after a crash or a broker restart, it rejoins under a new member id)
   * waits for its dead predecessor to expire before its join completes. At
   * least the broker's `group.min.session.timeout.ms` (6 s by default).
   */
  readonly sessionTimeoutMs?: number;
} & (
  | { readonly onMessage: MessageHandler; readonly onBatch?: never }
  | {
      readonly onBatch: BatchHandler;
      readonly onMessage?: never;
      /** Most messages per call (default 500). */
      readonly maxBatchSize?: number;
      /** Partitions handled at the same time (default 1); more overlaps one partition's fetch with another's handling. */
      readonly concurrency?: number;
    }
);

/** Batch size when a batch subscription does not name one. */
export const DEFAULT_MAX_BATCH_SIZE = 500;

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

/**
 * The session ({@link ConsumeSpec.sessionTimeoutMs}) of a feed that reads a
 * topic under a consumer group of its own, one member per process (the
 * revocation and RBAC-change feeds, which keep their state in memory). After a
 * broker restart, or a crash of the consumer, kafkajs rejoins under a new
 * member id and the coordinator holds that join until the dead member's
 * session expires: with the default 30 s, the face-api refused gated requests
 * as stale, and reported itself not ready, for about 30 s after the broker was
 * back (measured: the wait follows the session, 30.5 s → 8.6 s). A short
 * session is safe for such a group: a spurious expiry (an event loop stalled
 * for seconds) costs one rejoin and moves no partition to anyone else. 8 s
 * keeps a margin above the broker's default minimum
 * (`group.min.session.timeout.ms`, 6 s).
 */
export const PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS = 8_000;
