import {
  ALL_TOPICS,
  createEnvelope,
  decodeEnvelope,
  dlqTopic,
  eventRegistry,
  Topics,
  type EventDefinition,
  type EventEnvelope,
  type EventInput,
  type EventRegistry,
  type Topic,
} from '@latchkey/contracts';
import { envelopeToMessage } from './codec/cloudevents-codec';
import { BatchConsumerPipeline } from './consumer/batch-consumer-pipeline';
import { ConsumerPipeline, type PipelineOptions, type ReceivedEvent } from './consumer/consumer-pipeline';
import type { ConsumerHandle, MessageHandler, PartitionProgress, Transport } from './transport/transport';
import { activeTraceContext, inPublishSpans } from './trace-context';

/** Per-call publish options; the id and trace context are normally derived. */
export interface PublishOptions {
  readonly id?: string;
  readonly time?: Date;
  readonly traceparent?: string;
}

/** A subscription of one consumer group to one or more event contracts. */
export interface Subscription {
  /** Consumer group: one per service and purpose, e.g. `issuer.revocations`. */
  readonly group: string;
  readonly events: readonly EventDefinition[];
  readonly handle: (event: ReceivedEvent) => Promise<void>;
  /** Attempts before a failing event is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  /** First retry delay in ms, doubled per attempt (default 100, capped at 5 s). */
  readonly initialBackoffMs?: number;
  /** Re-read the last `rewindMs` of the stream on start (see ConsumeSpec.rewindMs); replayed events have `replay` set. */
  readonly rewindMs?: number;
  /** Kafka only: the member's session timeout (see ConsumeSpec.sessionTimeoutMs; default 30 s). */
  readonly sessionTimeoutMs?: number;
}

/** A subscription whose handler takes many events at once (see EventBus.subscribeBatch). */
export interface BatchSubscription extends Omit<Subscription, 'handle'> {
  readonly handleBatch: (events: readonly ReceivedEvent[]) => Promise<void>;
  /** Most events per call (default 500). */
  readonly maxBatchSize?: number;
  /** Partitions handled at the same time (default 1). */
  readonly concurrency?: number;
}

function topicsOf(subscription: { readonly events: readonly EventDefinition[] }): string[] {
  return [...new Set(subscription.events.map((e) => e.topic))];
}

/** Settings of one service's bus. */
export interface EventBusOptions {
  /** CloudEvents `source` of this service, e.g. `/latchkey/issuer`. */
  readonly source: string;
  readonly transport: Transport;
  readonly registry?: EventRegistry;
  /** Deadline for a publish to be acknowledged (default 5 s). */
  readonly sendTimeoutMs?: number;
  readonly log?: (level: 'error' | 'warn' | 'info', message: string, fields?: Record<string, unknown>) => void;
  readonly now?: () => Date;
}

/** What readiness needs to know about the bus. */
export interface BusHealth {
  readonly transport: Transport['kind'];
  readonly connected: boolean;
  readonly consumers: readonly { group: string; running: boolean }[];
}

/** The topics the platform creates at start: every topic, its dead-letter topic, revocations compacted. */
export function platformTopics(): { name: string; compacted?: boolean }[] {
  return ALL_TOPICS.flatMap((topic: Topic) => [{ name: topic, compacted: topic === Topics.AccessRevocation }, { name: dlqTopic(topic) }]);
}

/**
 * The one event bus API of the platform, over either transport. Publishing
 * validates against the contract, derives key and subject from it, stamps
 * the trace context, and waits for the broker's acknowledgement within a
 * deadline. Subscribing decodes and validates before any handler runs and
 * dead-letters what cannot be handled (see ConsumerPipeline).
 */
export class EventBus {
  private readonly registry: EventRegistry;
  private readonly consumers: ConsumerHandle[] = [];
  private readonly sendTimeoutMs: number;

  constructor(private readonly options: EventBusOptions) {
    this.registry = options.registry ?? eventRegistry;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 5000;
  }

  get transportKind(): Transport['kind'] {
    return this.options.transport.kind;
  }

  /** Connects the producer side and creates missing topics. */
  async connect(): Promise<void> {
    await this.options.transport.connect();
    await this.options.transport.ensureTopics(platformTopics());
  }

  /** Builds the envelope for `data` (validated) without sending it: the outbox stores these. */
  envelope<E extends EventDefinition>(definition: E, data: EventInput<E>, options: PublishOptions = {}): EventEnvelope {
    const trace = options.traceparent ? { traceparent: options.traceparent } : activeTraceContext();
    return createEnvelope(definition, data, { source: this.options.source, ...options, ...trace });
  }

  /** Publishes one event and resolves once the broker acknowledged it; rejects on failure or deadline. */
  async publish<E extends EventDefinition>(definition: E, data: EventInput<E>, options: PublishOptions = {}): Promise<EventEnvelope> {
    const envelope = this.envelope(definition, data, options);
    await this.publishEnvelopes([{ topic: definition.topic, envelope }]);
    return envelope;
  }

  /** Sends already-built envelopes in order (the outbox relay's path). */
  async publishEnvelopes(items: readonly { topic: string; envelope: EventEnvelope }[]): Promise<void> {
    if (items.length === 0) return;
    const messages = items.map((i) => envelopeToMessage(i.topic, i.envelope));
    const traced = items.map((i) => ({ topic: i.topic, id: i.envelope.id, traceparent: i.envelope.traceparent, tracestate: i.envelope.tracestate }));
    await inPublishSpans(traced, () => this.options.transport.send(messages, this.sendTimeoutMs));
  }

  /** Starts a consumer group member for the subscription's topics. */
  async subscribe(subscription: Subscription): Promise<ConsumerHandle> {
    const pipeline = new ConsumerPipeline({ ...this.pipelineOptions(subscription), handle: subscription.handle });
    return this.track(
      this.options.transport.consume({
        group: subscription.group,
        topics: topicsOf(subscription),
        rewindMs: subscription.rewindMs,
        sessionTimeoutMs: subscription.sessionTimeoutMs,
        onMessage: (message) => pipeline.onMessage(message),
      }),
    );
  }

  /**
   * Like subscribe, for handlers that take many events at once: each call
   * gets up to `maxBatchSize` valid events of one partition, in order (see
   * BatchConsumerPipeline for how a failing batch is split).
   */
  async subscribeBatch(subscription: BatchSubscription): Promise<ConsumerHandle> {
    const pipeline = new BatchConsumerPipeline({ ...this.pipelineOptions(subscription), handleBatch: subscription.handleBatch });
    return this.track(
      this.options.transport.consume({
        group: subscription.group,
        topics: topicsOf(subscription),
        rewindMs: subscription.rewindMs,
        sessionTimeoutMs: subscription.sessionTimeoutMs,
        onBatch: (messages) => pipeline.onBatch(messages),
        maxBatchSize: subscription.maxBatchSize,
        concurrency: subscription.concurrency,
      }),
    );
  }

  private pipelineOptions(subscription: Omit<Subscription, 'handle'>): Omit<PipelineOptions, 'handle'> {
    return {
      group: subscription.group,
      types: new Set(subscription.events.map((e) => e.type)),
      maxAttempts: subscription.maxAttempts ?? 5,
      initialBackoffMs: subscription.initialBackoffMs ?? 100,
      decode: (raw) => decodeEnvelope(raw, this.registry),
      deadLetter: (message) => this.options.transport.send([message], this.sendTimeoutMs),
      log: this.options.log,
      now: this.options.now ?? (() => new Date()),
    };
  }

  private async track(started: Promise<ConsumerHandle>): Promise<ConsumerHandle> {
    const handle = await started;
    this.consumers.push(handle);
    return handle;
  }

  /**
   * Consumes `topics` as delivered, without decoding: for dead-letter
   * topics, whose messages are by definition the ones that did not decode or
   * could not be handled. Resolving commits; rejecting delivers the message
   * again. Counted in health and readiness like any consumer.
   */
  async subscribeRaw(subscription: {
    readonly group: string;
    readonly topics: readonly string[];
    readonly handle: MessageHandler;
  }): Promise<ConsumerHandle> {
    return this.track(this.options.transport.consume({ group: subscription.group, topics: subscription.topics, onMessage: subscription.handle }));
  }

  /** How far `group` has read `topic` (see Transport.progress). */
  progress(group: string, topic: string): Promise<readonly PartitionProgress[]> {
    return this.options.transport.progress(group, topic);
  }

  health(): BusHealth {
    return {
      transport: this.options.transport.kind,
      connected: this.options.transport.connected(),
      consumers: this.consumers.map((c) => ({ group: c.group, running: c.running() })),
    };
  }

  /** Throws with the reason when the bus is not ready (readiness probe). */
  assertReady(): void {
    const health = this.health();
    if (!health.connected) throw new Error(`${health.transport} bus not connected`);
    const stopped = health.consumers.filter((c) => !c.running).map((c) => c.group);
    if (stopped.length > 0) throw new Error(`consumers not running: ${stopped.join(', ')}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    this.consumers.length = 0;
    await this.options.transport.close();
  }
}
