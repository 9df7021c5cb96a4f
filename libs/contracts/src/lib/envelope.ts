import { z } from 'zod';

/**
 * The CloudEvents 1.0 envelope every event travels in (ARCHITECTURE.md
 * "Events"). `id` is the idempotency key; `partitionkey` is the CloudEvents
 * partitioning extension; `traceparent`/`tracestate` are the distributed
 * tracing extension. Transports map it to their own binding (Kafka binary
 * mode: `ce_*` headers, JSON data). Every string is bounded: an envelope is
 * untrusted input to its consumer.
 */
export const EventEnvelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(128),
  type: z.string().min(1).max(128),
  source: z.string().min(1).max(256),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1).max(2048).optional(),
  datacontenttype: z.literal('application/json'),
  partitionkey: z.string().min(1).max(2048),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
  // W3C Trace Context caps tracestate at 512 characters.
  tracestate: z.string().max(512).optional(),
  data: z.unknown(),
});

/** A CloudEvents envelope whose `data` is of type `TData`. */
export type EventEnvelope<TData = unknown> = Omit<z.output<typeof EventEnvelopeSchema>, 'data'> & { data: TData };
