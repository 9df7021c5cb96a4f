import type { Admin, Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { crashPoint } from '@latchkey/config';
import {
  DEFAULT_MAX_BATCH_SIZE,
  type ConsumeSpec,
  type ConsumerHandle,
  type DeliveredMessage,
  type PartitionProgress,
  type Transport,
  type TransportMessage,
} from '../transport/transport';
import { sleep, withDeadline } from '../transport/deadline';
import { messagingGauges, type PartitionLag } from '../metrics/messaging-gauges';
import { createIdempotentProducer, createKafkaClient, type KafkaClientSettings, type KafkaLog } from './kafka-producer';
import { InlineProducer, type ProducerPort } from './producer-port';
import { ThreadedProducer } from './producer-thread';

/** Connection settings of the Kafka transport. */
export interface KafkaTransportOptions extends KafkaClientSettings {
  /** Partitions for topics this transport creates. */
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Produce on a thread of its own (ThreadedProducer), off the event loop; default false (on this thread). */
  readonly producerThread?: boolean;
  /** Called with kafkajs log entries at warn level and above (never message contents). */
  readonly log?: KafkaLog;
}

/**
 * Longest a fetch waits for new messages (kafkajs's default is 5 s): an idle
 * member then still fetches every second, which is what lets a verifier see
 * within a second or two that its revocation feed stopped reading.
 */
const FETCH_MAX_WAIT_MS = 1000;

/** Most bytes one fetch takes from a partition for a batch consumer (kafkajs's default, 1 MiB, is about 1,500 audit events). */
const BATCH_FETCH_BYTES_PER_PARTITION = 8 * 1024 * 1024;

/**
 * Longest a stop waits for a group join in progress before disconnecting anyway. Well inside the service's
 * shutdown deadline (LATCHKEY_SHUTDOWN_TIMEOUT_MS, 10 s by default): a join held up by a rebalance (another member
 * of the group starting or gone) can take as long as the session timeout, and a stop that waited for it made the
 * whole shutdown miss its deadline. What kafkajs's abandoned join does afterwards ends with the process.
 */
const JOIN_WAIT_ON_STOP_MS = 2_000;

/** Session timeout of a member whose subscription names none (ConsumeSpec.sessionTimeoutMs). */
const DEFAULT_SESSION_TIMEOUT_MS = 30_000;

/** Longest heartbeat interval; shorter sessions heartbeat every tenth of the session, well inside it. */
const MAX_HEARTBEAT_INTERVAL_MS = 3_000;

/** A member whose stop takes this long is named in the log. */
const SLOW_STOP_MS = 1000;

/** Wait before our own restart of a consumer that crashed and that kafkajs will not restart. */
const RESTART_BACKOFF_MS = 1000;

function toHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** A kafkajs message as the transports deliver it. */
function delivered(topic: string, partition: number, message: KafkaMessage): DeliveredMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? '',
    value: message.value ?? Buffer.alloc(0),
    headers: toHeaders(message.headers),
  };
}

/**
 * One consumer group member on kafkajs, with offsets committed by hand after
 * the handler resolved (`autoCommit: false`). kafkajs restarts a consumer
 * after retriable crashes by itself; for the others we restart it after a
 * backoff, and `running()` reports false meanwhile so readiness fails
 * instead of idling while looking healthy.
 */
class KafkaConsumerMember implements ConsumerHandle {
  private consumer: Consumer | undefined;
  private healthy = false;
  private stopped = false;
  /** Lag per `topic:partition` after the last batch processed (kafkajs reports it per batch). */
  private readonly lags = new Map<string, bigint>();
  private lastCaughtUpAt: number | undefined;
  /** Settles once the member joined its group or crashed: kafkajs's join keeps running (and refreshing metadata) past a disconnect. */
  private joinSettled: Promise<void> = Promise.resolve();
  /** Settles once the rewind of the current assignment is decided (seeks issued); see ConsumeSpec.rewindMs. */
  private rewound: Promise<void> = Promise.resolve();
  /** Per `topic:partition`, the group's committed offset when it was assigned: offsets below it are replays. */
  private readonly replayBelow = new Map<string, bigint>();
  /** Per `topic:partition`, the offset after the last message this member handled (kept across rebalances and restarts). */
  private readonly readUpTo = new Map<string, bigint>();
  /**
   * Per `topic:partition` assigned to this member, the lag the gauge reports: the partition's high watermark as of
   * the last fetch minus the group's next offset to handle. Unlike `lags` (what is left after a whole batch), it
   * counts the messages of the batch in hand until they are handled, so a stuck handler shows.
   */
  private readonly unhandled = new Map<string, { topic: string; partition: number; lag: bigint }>();
  private unobserve: (() => void) | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly spec: ConsumeSpec,
    private readonly log: KafkaTransportOptions['log'],
  ) {}

  get group(): string {
    return this.spec.group;
  }

  async start(): Promise<void> {
    const sessionTimeout = this.spec.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    const consumer = this.kafka.consumer({
      groupId: this.spec.group,
      sessionTimeout,
      // 30 s → 3 s, as before; a shorter session heartbeats more often (8 s → 800 ms), well under a third of it.
      heartbeatInterval: Math.min(MAX_HEARTBEAT_INTERVAL_MS, Math.floor(sessionTimeout / 10)),
      retry: { retries: 5, initialRetryTime: 200 },
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      // A batch consumer takes what a fetch brings: larger fetches, fewer round trips between batches.
      ...(this.spec.onBatch ? { maxBytesPerPartition: BATCH_FETCH_BYTES_PER_PARTITION, maxBytes: 4 * BATCH_FETCH_BYTES_PER_PARTITION } : {}),
    });
    this.consumer = consumer;
    let settleJoin: () => void = () => undefined;
    this.joinSettled = new Promise((resolve) => (settleJoin = resolve));
    consumer.on(consumer.events.CRASH, (event) => {
      settleJoin();
      this.healthy = false;
      this.log?.('error', `consumer ${this.spec.group} crashed: ${event.payload.error.message}`);
      if (!event.payload.restart && !this.stopped) void this.restartLater();
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      settleJoin();
      this.healthy = true;
      // A partition another member took is that member's to report.
      const assigned = new Set(Object.entries(event.payload.memberAssignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}:${p}`)));
      for (const key of this.unhandled.keys()) if (!assigned.has(key)) this.unhandled.delete(key);
    });
    consumer.on(consumer.events.STOP, () => {
      this.healthy = false;
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      const { topic, partition, offsetLag, batchSize } = event.payload;
      this.lags.set(`${topic}:${partition}`, BigInt(offsetLag));
      // A batch of nothing but filtered records (compaction, control records) never reaches eachBatch.
      if (batchSize === 0) this.unhandled.set(`${topic}:${partition}`, { topic, partition, lag: BigInt(offsetLag) });
    });
    // Every fetch (empty ones too, at most FETCH_MAX_WAIT_MS apart while connected) proves the
    // member is reading; with no lag left on any partition it has read everything there is.
    consumer.on(consumer.events.FETCH, () => {
      if ([...this.lags.values()].every((lag) => lag <= 0n)) this.lastCaughtUpAt = Date.now();
    });
    if (this.spec.rewindMs) {
      const rewindMs = this.spec.rewindMs;
      // kafkajs emits GROUP_JOIN after every join and sync (start, rebalance) and before it fetches for the new
      // assignment; the listener cannot be awaited, so eachBatch waits for the rewind before handling anything.
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        this.rewound = this.rewind(consumer, event.payload.memberAssignment, rewindMs).catch((error: Error) => {
          // Resume at the committed offsets: the in-memory state starts empty, as without a rewind.
          this.replayBelow.clear();
          this.log?.('error', `consumer ${this.spec.group} could not rewind: ${error.message}`);
        });
      });
    }
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.spec.topics], fromBeginning: true });
    const spec = this.spec;
    const size = spec.onBatch ? (spec.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE) : 1;
    // One path for both kinds: a single-message subscription is a batch subscription of chunks of one,
    // which gives it isStale() (a pending seek or a lost partition) that eachMessage lacks.
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: spec.onBatch ? (spec.concurrency ?? 1) : 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        await this.rewound;
        const key = `${batch.topic}:${batch.partition}`;
        const replayBelow = this.replayBelow.get(key);
        const end = BigInt(batch.highWatermark);
        // Replays (below the group's commit at assignment) are not lag: the group handled them already.
        const lagFrom = (next: bigint) => {
          const from = replayBelow !== undefined && replayBelow > next ? replayBelow : next;
          this.unhandled.set(key, { topic: batch.topic, partition: batch.partition, lag: end > from ? end - from : 0n });
        };
        if (batch.messages.length > 0) lagFrom(BigInt(batch.messages[0].offset));
        for (let start = 0; start < batch.messages.length; start += size) {
          // A rebalance took the partition, a rewind's seek is pending (this batch was fetched before it),
          // or the member is stopping: what is not handled stays uncommitted.
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(start, start + size).map((message) => {
            const m = delivered(batch.topic, batch.partition, message);
            return replayBelow !== undefined && BigInt(m.offset) < replayBelow ? { ...m, replay: true } : m;
          });
          if (spec.onBatch) await spec.onBatch(chunk);
          else await spec.onMessage(chunk[0]);
          const last = chunk[chunk.length - 1].offset;
          resolveOffset(last);
          const next = BigInt(last) + 1n;
          this.readUpTo.set(key, next);
          lagFrom(next);
          // Only now is the handler's effect durable: commit past the chunk (a replay never moves the commit back).
          if (replayBelow === undefined || next > replayBelow) {
            crashPoint('consumer.handled-not-committed');
            await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next.toString() }]);
          }
          await heartbeat();
        }
      },
    });
    this.healthy = true;
    if (!this.stopped) this.unobserve ??= messagingGauges.addLagSource(this);
  }

  /** Per assigned partition that has had a batch: see `unhandled`. */
  lag(): PartitionLag[] {
    return [...this.unhandled.values()];
  }

  running(): boolean {
    return this.healthy && !this.stopped;
  }

  caughtUpAt(): number | undefined {
    return this.lastCaughtUpAt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unobserve?.();
    // A disconnect in the middle of the group join leaves kafkajs's runner
    // retrying metadata requests in the background; let the join finish
    // first (bounded, so a broker that never answers cannot hold shutdown).
    const began = Date.now();
    await withDeadline(this.joinSettled, JOIN_WAIT_ON_STOP_MS, `group join of ${this.spec.group}`).catch(() => undefined);
    const joined = Date.now();
    await this.consumer?.disconnect();
    // A slow stop holds the whole shutdown up: say which member and which step, for the one who reads the log.
    const ms = Date.now() - began;
    if (ms >= SLOW_STOP_MS) {
      this.log?.('warn', `consumer ${this.spec.group} took ${ms} ms to stop (${joined - began} ms waiting for its group join, then the disconnect)`);
    }
  }

  /**
   * Moves each assigned partition back to the earlier of the group's committed
   * offset and the first offset whose timestamp is at or after now − rewindMs
   * (kafkajs answers the high watermark for a partition with nothing that
   * recent), but never before what this member itself already handled: the
   * state it built from those messages is still in memory.
   */
  private async rewind(consumer: Consumer, assignment: Record<string, number[]>, rewindMs: number): Promise<void> {
    this.replayBelow.clear();
    const topics = Object.keys(assignment).filter((topic) => assignment[topic].length > 0);
    if (topics.length === 0) return;
    // A fresh admin client per call: kafkajs cannot reconnect one after disconnect().
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const since = Date.now() - rewindMs;
      const committed = await admin.fetchOffsets({ groupId: this.spec.group, topics });
      for (const topic of topics) {
        const byTime = new Map((await admin.fetchTopicOffsetsByTimestamp(topic, since)).map((p) => [p.partition, BigInt(p.offset)]));
        const committedOf = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, p.offset]));
        for (const partition of assignment[topic]) {
          const raw = committedOf.get(partition);
          const recent = byTime.get(partition);
          // Never committed (kafkajs answers -1): the group reads from the beginning anyway.
          if (raw === undefined || raw === '-1' || recent === undefined) continue;
          const key = `${topic}:${partition}`;
          const commit = BigInt(raw);
          const handled = this.readUpTo.get(key);
          const from = min(commit, handled !== undefined && handled > recent ? handled : recent);
          this.replayBelow.set(key, commit);
          if (from < commit) consumer.seek({ topic, partition, offset: from.toString() });
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async restartLater(): Promise<void> {
    await sleep(RESTART_BACKOFF_MS);
    if (this.stopped) return;
    try {
      await this.consumer?.disconnect();
      await this.start();
    } catch (error) {
      this.log?.('error', `consumer ${this.spec.group} restart failed: ${(error as Error).message}`);
      void this.restartLater();
    }
  }
}

/**
 * Kafka through kafkajs. The producer waits for all in-sync replicas
 * (`acks: -1`) and is idempotent (kafka-producer.ts), on this thread or on a
 * thread of its own (`producerThread`); consumers run on this thread.
 */
export class KafkaTransport implements Transport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly producer: ProducerPort;
  private readonly members = new Set<KafkaConsumerMember>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.kafka = createKafkaClient(options, options.log);
    const settings: KafkaClientSettings = { brokers: options.brokers, clientId: options.clientId, connectionTimeoutMs: options.connectionTimeoutMs };
    this.producer = options.producerThread
      ? new ThreadedProducer(settings, options.log)
      : new InlineProducer(() => createIdempotentProducer(this.kafka), options.log);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async ensureTopics(topics: readonly { name: string; compacted?: boolean }[]): Promise<void> {
    // A fresh admin client per call: kafkajs cannot reconnect one after disconnect().
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length === 0) return;
      // kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION,
      // which Kafka 4 answers for a moment after creation: poll instead.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: this.options.partitions ?? 3,
          replicationFactor: this.options.replicationFactor ?? 1,
          configEntries: t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
        })),
      });
      await this.waitForLeaders(
        admin,
        missing.map((t) => t.name),
      );
    } finally {
      await admin.disconnect();
    }
  }

  private async waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: found } = await admin.fetchTopicMetadata({ topics });
        const ready = found.length === topics.length && found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        if (ready) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
      await sleep(100);
    }
  }

  async send(messages: readonly TransportMessage[], timeoutMs: number): Promise<void> {
    await withDeadline(this.producer.send(messages, timeoutMs), timeoutMs, 'kafka send');
  }

  async consume(spec: ConsumeSpec): Promise<ConsumerHandle> {
    const member = new KafkaConsumerMember(this.kafka, spec, this.options.log);
    this.members.add(member);
    await member.start();
    return {
      group: spec.group,
      running: () => member.running(),
      caughtUpAt: () => member.caughtUpAt(),
      stop: async () => {
        this.members.delete(member);
        await member.stop();
      },
    };
  }

  async progress(group: string, topic: string): Promise<readonly PartitionProgress[]> {
    // A fresh admin client per call: kafkajs cannot reconnect one after disconnect().
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
      return ends.map((end) => {
        const offset = byPartition.get(end.partition);
        // kafkajs answers -1 for a partition the group never committed.
        return { partition: end.partition, committed: offset === undefined || offset === '-1' ? 0n : BigInt(offset), end: BigInt(end.high) };
      });
    } finally {
      await admin.disconnect();
    }
  }

  connected(): boolean {
    return this.producer.connected();
  }

  async close(): Promise<void> {
    await Promise.all([...this.members].map((m) => m.stop()));
    this.members.clear();
    await this.producer.close();
  }
}
