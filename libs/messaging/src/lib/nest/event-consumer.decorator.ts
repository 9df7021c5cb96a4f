import { SetMetadata } from '@nestjs/common';
import type { EventDefinition } from '@latchkey/contracts';
import type { ReceivedEvent } from '../consumer/consumer-pipeline';

export const EVENT_CONSUMER = Symbol('latchkey:event-consumer');

/** What a consumer class declares: its group and the contracts it handles. */
export interface EventConsumerOptions {
  /** `<service>.<purpose>`, e.g. `issuer.revocations`. */
  readonly group: string;
  readonly events: readonly EventDefinition[];
  readonly maxAttempts?: number;
  readonly initialBackoffMs?: number;
  /** Deliver events in batches to `handleBatch` (HandlesEventBatches) instead of one by one to `handle`. */
  readonly batch?: { readonly maxSize?: number; readonly concurrency?: number };
}

/** The method every consumer class implements; events arrive decoded and validated. */
export interface HandlesEvents {
  handle(event: ReceivedEvent): Promise<void>;
}

/** What a consumer declared with `batch` implements: up to `batch.maxSize` validated events of one partition, in order. */
export interface HandlesEventBatches {
  handleBatch(events: readonly ReceivedEvent[]): Promise<void>;
}

/**
 * What a consumer that keeps state in memory implements to have the recent
 * stream read again whenever it is given partitions (start, rebalance):
 * MessagingModule calls `rewindMs()` once, when it subscribes the consumer,
 * and passes the result as Subscription.rewindMs. A method rather than a
 * decorator option because the value usually comes from configuration,
 * which the decorator (evaluated when the class is defined) cannot see.
 */
export interface RewindsOnStart {
  rewindMs(): number;
}

/**
 * Marks a provider as a consumer; MessagingModule subscribes it when the
 * application boots. The class must implement HandlesEvents, or
 * HandlesEventBatches when the options ask for `batch`.
 */
export const EventConsumer = (options: EventConsumerOptions): ClassDecorator => SetMetadata(EVENT_CONSUMER, options);
