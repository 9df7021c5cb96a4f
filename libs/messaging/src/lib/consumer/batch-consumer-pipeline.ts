import type { DeliveredMessage } from '../transport/transport';
import { sleep } from '../transport/deadline';
import { inBatchConsumerSpan } from '../trace-context';
import { ConsumerPipeline, retryDelayMs, type PipelineOptions, type ReceivedEvent } from './consumer-pipeline';
import { NonRetriableEventError } from './handler-errors';

/** Settings of a batch subscription's pipeline: the single-event ones, with a batch handler instead of `handle`. */
export interface BatchPipelineOptions extends Omit<PipelineOptions, 'handle'> {
  readonly handleBatch: (events: readonly ReceivedEvent[]) => Promise<void>;
}

/**
 * ConsumerPipeline for handlers that work on many events at once (one
 * database transaction per batch, say). Every message is read and validated
 * first, exactly as one at a time (unreadable or invalid → dead letter);
 * the valid ones go to the handler together, retried as a whole with the
 * same backoff. When the batch still fails, or fails with a
 * NonRetriableEventError, one bad event must not take the others down:
 * the events are handled again one by one, each with its own retries and
 * dead-lettering, so only the event that cannot be handled is set aside.
 * Resolving lets the transport commit past the whole batch.
 */
export class BatchConsumerPipeline {
  private readonly single: ConsumerPipeline;

  constructor(private readonly options: BatchPipelineOptions) {
    this.single = new ConsumerPipeline({ ...options, handle: (event) => options.handleBatch([event]) });
  }

  async onBatch(messages: readonly DeliveredMessage[]): Promise<void> {
    const accepted: { message: DeliveredMessage; event: Omit<ReceivedEvent, 'attempt'> }[] = [];
    for (const message of messages) {
      const event = await this.single.accept(message);
      if (event) accepted.push({ message, event });
    }
    if (accepted.length === 0) return;
    if (await this.handleTogether(accepted.map((a) => a.event))) return;
    for (const { message, event } of accepted) await this.single.handleWithRetries(message, event);
  }

  /** True when the handler took the whole batch; false when it must be split. */
  private async handleTogether(events: readonly Omit<ReceivedEvent, 'attempt'>[]): Promise<boolean> {
    const first = events[0];
    for (let attempt = 1; ; attempt++) {
      try {
        await inBatchConsumerSpan(
          `${first.topic} process`,
          events.map((e) => e.envelope),
          { 'messaging.consumer.group.name': this.options.group, 'messaging.batch.message_count': events.length, 'latchkey.attempt': attempt },
          () => this.options.handleBatch(events.map((e) => ({ ...e, attempt }))),
        );
        return true;
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        if (err instanceof NonRetriableEventError || attempt >= this.options.maxAttempts) {
          this.options.log?.('warn', 'event batch failed; handling its events one by one', {
            group: this.options.group,
            topic: first.topic,
            partition: first.partition,
            events: events.length,
            attempts: attempt,
            error: err.message,
          });
          return false;
        }
        this.options.log?.('warn', 'event batch failed; retrying', { group: this.options.group, events: events.length, attempt, error: err.message });
        await sleep(retryDelayMs(this.options.initialBackoffMs, attempt));
      }
    }
  }
}
