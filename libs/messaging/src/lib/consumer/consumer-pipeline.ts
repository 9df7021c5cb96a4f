import type { DecodeResult, EventDefinition, EventEnvelope } from '@latchkey/contracts';
import { catalogueCounter } from '@latchkey/telemetry';
import { messageToRawEnvelope } from '../codec/cloudevents-codec';
import { sleep } from '../transport/deadline';
import type { DeliveredMessage, TransportMessage } from '../transport/transport';
import { inConsumerSpan } from '../trace-context';
import { deadLetterMessage, type DeadLetterReason } from './dead-letter';
import { NonRetriableEventError } from './handler-errors';

/** A validated event as a handler receives it. */
export interface ReceivedEvent<TData = unknown> {
  readonly envelope: EventEnvelope<TData>;
  readonly definition: EventDefinition;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** 1 on first delivery to the handler, then 2, 3, … on retries. */
  readonly attempt: number;
  /**
   * True when a rewind on start delivers again an event the group had already
   * handled (committed past): read it to rebuild in-memory state, but do not
   * act on it again (see Subscription.rewindMs).
   */
  readonly replay?: boolean;
}

/** Narrows a received event to one contract, typing its data. */
export function isEvent<E extends EventDefinition>(event: ReceivedEvent, definition: E): event is ReceivedEvent<import('zod').output<E['data']>> {
  return event.envelope.type === definition.type;
}

/** Settings of one consumer group's pipeline. */
export interface PipelineOptions {
  readonly group: string;
  /** The CloudEvents types this group handles; other valid types on its topics are skipped. */
  readonly types: ReadonlySet<string>;
  readonly handle: (event: ReceivedEvent) => Promise<void>;
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly decode: (raw: unknown) => DecodeResult;
  readonly deadLetter: (message: TransportMessage) => Promise<void>;
  readonly log?: (level: 'error' | 'warn' | 'info', message: string, fields?: Record<string, unknown>) => void;
  readonly now: () => Date;
}

const MAX_BACKOFF_MS = 5000;

/** Wait after failed attempt `attempt` (1-based): doubled per attempt, capped. */
export function retryDelayMs(initialBackoffMs: number, attempt: number): number {
  return Math.min(initialBackoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}

/**
 * What happens to every delivered message, identically on both transports:
 * read and validate it (unreadable or invalid → dead letter at once), run
 * the handler with bounded exponential retries (a NonRetriableEventError →
 * dead letter at once; still failing after maxAttempts → dead letter with
 * the last error), and only then let the transport commit. If the dead
 * letter itself cannot be written, the promise rejects and the transport
 * delivers the message again: nothing is dropped silently.
 */
export class ConsumerPipeline {
  /** latchkey.dead_letters; created with the subscription, after telemetry started. */
  private readonly deadLetters = catalogueCounter('deadLetters');

  constructor(private readonly options: PipelineOptions) {}

  async onMessage(message: DeliveredMessage): Promise<void> {
    const event = await this.accept(message);
    if (event) await this.handleWithRetries(message, event);
  }

  /**
   * Reads and validates `message`: the event when this group handles it;
   * undefined when it was dead-lettered (unreadable or invalid) or is valid
   * but of a type this group does not handle.
   */
  async accept(message: DeliveredMessage): Promise<Omit<ReceivedEvent, 'attempt'> | undefined> {
    const parsed = messageToRawEnvelope(message);
    if (!parsed.ok) {
      await this.toDeadLetter(message, { code: 'EVENT.UNREADABLE', reason: parsed.reason, attempts: 0 });
      return undefined;
    }
    const decoded = this.options.decode(parsed.raw);
    if (!decoded.ok) {
      await this.toDeadLetter(message, { code: decoded.code, reason: decoded.reason, attempts: 0 });
      return undefined;
    }
    if (!this.options.types.has(decoded.envelope.type)) return undefined; // valid, just not this group's business
    return { envelope: decoded.envelope, definition: decoded.definition, ...message };
  }

  /** Runs the handler on one accepted event with bounded retries; dead-letters it when they run out. */
  async handleWithRetries(message: DeliveredMessage, event: Omit<ReceivedEvent, 'attempt'>): Promise<void> {
    const { envelope } = event;
    for (let attempt = 1; ; attempt++) {
      try {
        await inConsumerSpan(
          `${message.topic} process`,
          envelope,
          { 'messaging.consumer.group.name': this.options.group, 'messaging.message.id': envelope.id, 'latchkey.attempt': attempt },
          () => this.options.handle({ ...event, attempt }),
        );
        return;
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        if (err instanceof NonRetriableEventError) {
          return this.toDeadLetter(message, { code: err.code, reason: err.message, attempts: attempt });
        }
        if (attempt >= this.options.maxAttempts) {
          return this.toDeadLetter(message, {
            code: 'EVENT.HANDLER_FAILED',
            reason: `failed after ${attempt} attempts: ${err.message}`,
            attempts: attempt,
          });
        }
        this.options.log?.('warn', 'event handler failed; retrying', {
          group: this.options.group,
          eventId: envelope.id,
          attempt,
          error: err.message,
        });
        await sleep(retryDelayMs(this.options.initialBackoffMs, attempt));
      }
    }
  }

  private async toDeadLetter(message: DeliveredMessage, why: Omit<DeadLetterReason, 'group'>): Promise<void> {
    const reason = { ...why, group: this.options.group };
    if (message.replay) {
      // The group committed past it before the rewind: it was dead-lettered (or handled) when first delivered.
      this.options.log?.('info', 'replayed event skipped', { group: reason.group, topic: message.topic, offset: message.offset, code: reason.code });
      return;
    }
    await this.options.deadLetter(deadLetterMessage(message, reason, this.options.now()));
    // Counted once written: a dead letter that could not be written is delivered and tried again.
    this.deadLetters.add(1, { topic: message.topic, group: reason.group, code: reason.code });
    this.options.log?.('warn', 'event dead-lettered', {
      group: reason.group,
      topic: message.topic,
      offset: message.offset,
      code: reason.code,
      reason: reason.reason,
    });
  }
}
