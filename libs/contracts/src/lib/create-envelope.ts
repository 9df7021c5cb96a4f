import { randomUUID } from 'node:crypto';
import type { EventData, EventDefinition, EventInput } from './define-event';
import type { EventEnvelope } from './envelope';

/** What a producer may set beyond the data; everything else derives from the contract. */
export interface EnvelopeOptions {
  /** The producing service, as a URI reference, e.g. `/latchkey/issuer`. */
  readonly source: string;
  /** Idempotency key; a fresh UUID when omitted. Outbox rows fix it at write time. */
  readonly id?: string;
  readonly time?: Date;
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/**
 * Validates `data` against the contract and wraps it in an envelope. Throws
 * the zod error when the data does not match: a producer bug must never
 * reach the bus.
 */
export function createEnvelope<E extends EventDefinition>(
  definition: E,
  input: EventInput<E>,
  options: EnvelopeOptions,
): EventEnvelope<EventData<E>> {
  const data = definition.data.parse(input) as EventData<E>;
  return {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    type: definition.type,
    source: options.source,
    time: (options.time ?? new Date()).toISOString(),
    subject: definition.subject(data),
    datacontenttype: 'application/json',
    partitionkey: definition.key(data),
    ...(options.traceparent ? { traceparent: options.traceparent } : {}),
    ...(options.tracestate ? { tracestate: options.tracestate } : {}),
    data,
  };
}
