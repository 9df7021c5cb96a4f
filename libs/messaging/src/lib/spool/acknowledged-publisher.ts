import type { EventDefinition, EventInput } from '@latchkey/contracts';
import { MicroBatcher } from '@latchkey/persistence';
import type { EventBus, EventBusOptions, PublishOptions } from '../event-bus';
import { withDeadline } from '../transport/deadline';
import type { DurableSpool } from './durable-spool';
import type { DrainError, SpoolDrainer } from './spool-drainer';
import { PublishRefusedError, SpoolFullError, type RefusalReason } from './spool.errors';
import type { SpooledEvent } from './spool-record';

/** Settings of an {@link AcknowledgedPublisher}. */
export interface AcknowledgedPublisherOptions {
  /** How long a batch may wait for the bus before it is spooled (default 1000 ms): callers are HTTP requests. */
  readonly deadlineMs?: number;
  /** Most events per `publishEnvelopes` call (default 512). */
  readonly maxBatch?: number;
  /** Batches in flight at once (default 2). */
  readonly concurrency?: number;
  /** Put into every PublishRefusedError as the `Retry-After` hint (default 5 s, the drainer's longest backoff). */
  readonly retryAfterSeconds?: number;
  readonly log?: EventBusOptions['log'];
}

/** Where an event was made durable. */
export interface PublishReceipt {
  readonly via: 'bus' | 'spool';
  /** The envelope id: the idempotency key consumers deduplicate on. */
  readonly id: string;
}

/** What readiness probes and logs may show. */
export interface RecordingHealth {
  /** Where new events go: `spool` during an outage and until the spool is drained. */
  readonly mode: 'bus' | 'spool';
  readonly spoolEnabled: boolean;
  readonly pendingEvents: number;
  readonly pendingBytes: number;
  readonly maxBytes: number;
  /** Events waiting for a batch. */
  readonly queued: number;
  /** Events refused since start (their operations were not performed). */
  readonly refused: number;
  readonly lastDrainError?: DrainError;
}

/**
 * Publishes events that must be recorded before the operation they describe
 * is performed (fail closed): `publish` resolves only once the bus
 * acknowledged the event or it was written and flushed to the local spool,
 * and rejects with PublishRefusedError when neither happened.
 *
 * Events arriving together go out in one `publishEnvelopes` call (Kafka's
 * idempotent producer allows one request in flight, so a round trip per
 * event would cap throughput); a batch the bus does not acknowledge within
 * `deadlineMs` is appended to the spool as a whole, with one write and one
 * fdatasync. The bus send is not cancelled by the deadline, so a late
 * acknowledgement plus the republish from the spool delivers the event
 * twice; consumers deduplicate by envelope id.
 *
 * Order: while the spool holds events, new events are appended behind them
 * instead of overtaking them on the bus, so a producer's events reach Kafka
 * in publish order across an outage (the drainer hands back over to the bus
 * once the spool is empty). Only batches already in flight when the bus
 * fails, at most `concurrency`, can be reordered among themselves.
 * Consumers key on the event's own `time` and id, not on arrival order.
 *
 * A full spool refuses at once, without trying the bus, even while the
 * drainer empties it: the new events would overtake the spooled ones, and
 * during an outage a quick 503 serves the caller better than one that waits
 * out the deadline first. Room returns a segment at a time as it drains.
 */
export class AcknowledgedPublisher {
  private readonly batches: MicroBatcher<SpooledEvent, PublishReceipt['via']>;
  private readonly deadlineMs: number;
  private readonly retryAfterSeconds: number;
  private spooling = false;
  private refusing = false;
  private refused = 0;
  private closed = false;

  constructor(
    private readonly bus: Pick<EventBus, 'envelope' | 'publishEnvelopes'>,
    /** null when the spool is disabled: a batch the bus does not take is refused. */
    private readonly spool: DurableSpool | null,
    private readonly drainer: SpoolDrainer | null,
    private readonly options: AcknowledgedPublisherOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 1000;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
    // A batch reaches the bus or the spool as a whole, or fails as a whole: every caller hears the batch's outcome.
    this.batches = new MicroBatcher(
      async (batch) => {
        const via = await this.deliver(batch.map((entry) => entry.item));
        batch.forEach((entry) => entry.resolve(via));
      },
      { maxBatch: options.maxBatch ?? 512, concurrency: options.concurrency ?? 2 },
    );
  }

  /**
   * Validates `data` against its contract, builds the envelope and resolves
   * once it is durable on the bus or in the spool.
   * @throws PublishRefusedError when it is neither: do not perform the operation (503).
   * @throws the contract's validation error for invalid `data` (a bug in the caller).
   */
  async publish<E extends EventDefinition>(definition: E, data: EventInput<E>, options?: PublishOptions): Promise<PublishReceipt> {
    if (this.closed) throw this.refusal('closed', 1);
    const envelope = this.bus.envelope(definition, data, options);
    const via = await this.batches.submit({ topic: definition.topic, envelope });
    return { via, id: envelope.id };
  }

  health(): RecordingHealth {
    const stats = this.spool?.stats();
    const lastDrainError = this.drainer?.lastError;
    return {
      mode: this.spool && !this.spool.isEmpty ? 'spool' : 'bus',
      spoolEnabled: this.spool !== null,
      pendingEvents: stats?.pendingEvents ?? 0,
      pendingBytes: stats?.pendingBytes ?? 0,
      maxBytes: stats?.maxBytes ?? 0,
      queued: this.batches.backlog,
      refused: this.refused,
      ...(lastDrainError ? { lastDrainError } : {}),
    };
  }

  /** Settles every event already submitted, then closes the spool; later publishes are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.batches.drained();
    await this.spool?.close();
  }

  private async deliver(items: readonly SpooledEvent[]): Promise<PublishReceipt['via']> {
    for (;;) {
      if (!this.spool || this.spool.isEmpty) return this.viaBus(items);
      // The spool holds older events: queue behind them rather than overtake them.
      if (this.drainer?.handingOver) {
        await this.drainer.handedOver();
        continue;
      }
      return this.toSpool(items, 'the spool holds older events', undefined);
    }
  }

  private async viaBus(items: readonly SpooledEvent[]): Promise<'bus' | 'spool'> {
    try {
      await withDeadline(this.bus.publishEnvelopes(items), this.deadlineMs, 'event publish');
    } catch (error) {
      return this.toSpool(items, 'the bus did not acknowledge', error);
    }
    if (this.spooling) {
      this.spooling = false;
      this.options.log?.('info', 'events go to the bus again');
    }
    this.refusing = false;
    // A batch that failed beside this one may be in the spool: the bus is back, republish it now.
    if (this.spool && !this.spool.isEmpty) this.drainer?.nudge();
    return 'bus';
  }

  private async toSpool(items: readonly SpooledEvent[], why: string, busError: unknown): Promise<'spool'> {
    if (!this.spool) throw this.refusal('spool-disabled', items.length, busError);
    try {
      await this.spool.append(items);
    } catch (error) {
      throw this.refusal(error instanceof SpoolFullError ? 'spool-full' : 'spool-failed', items.length, error, busError);
    }
    if (!this.spooling) {
      this.spooling = true;
      this.options.log?.('warn', 'events go to the local spool until it is drained', {
        why,
        ...(busError ? { error: messageOf(busError) } : {}),
      });
    }
    this.refusing = false;
    return 'spool';
  }

  private refusal(reason: RefusalReason, events: number, cause?: unknown, busError?: unknown): PublishRefusedError {
    this.refused += events;
    // Once per streak: during an outage every request would log the same line.
    if (!this.refusing && reason !== 'closed') {
      this.refusing = true;
      this.options.log?.('error', 'refusing events: neither the bus nor the spool took them', {
        reason,
        ...(cause ? { error: messageOf(cause) } : {}),
        ...(busError && busError !== cause ? { busError: messageOf(busError) } : {}),
        ...this.spool?.stats(),
      });
    }
    return new PublishRefusedError(reason, this.retryAfterSeconds, { events, cause });
  }
}

/** Error messages name the broker or the file, never event data, so they may be logged. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
