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
}

/** The method every consumer class implements; events arrive decoded and validated. */
export interface HandlesEvents {
  handle(event: ReceivedEvent): Promise<void>;
}

/**
 * Marks a provider as a consumer; MessagingModule subscribes it when the
 * application boots. The class must implement HandlesEvents.
 */
export const EventConsumer = (options: EventConsumerOptions): ClassDecorator => SetMetadata(EVENT_CONSUMER, options);
