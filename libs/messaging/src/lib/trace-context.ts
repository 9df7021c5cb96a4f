import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';

const tracer = trace.getTracer('@latchkey/messaging');

/** The W3C trace context of the active span, to stamp on an outgoing event. */
export function activeTraceContext(): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return { traceparent: carrier['traceparent'], tracestate: carrier['tracestate'] };
}

function contextOf(traceparent: string | undefined, tracestate: string | undefined): Context {
  if (!traceparent) return context.active();
  const carrier: Record<string, string> = { traceparent, ...(tracestate ? { tracestate } : {}) };
  return propagation.extract(context.active(), carrier);
}

/**
 * Runs an event handler inside a consumer span that continues the
 * producer's trace (the event's `traceparent`), so one trace spans the HTTP
 * request, the bus and every consumer. Works without an SDK (no-op spans).
 */
export function inConsumerSpan<T>(
  name: string,
  parent: { traceparent?: string; tracestate?: string },
  attributes: Record<string, string | number>,
  work: () => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, contextOf(parent.traceparent, parent.tracestate), async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Most span links a batch span carries (OpenTelemetry SDKs cap links at 128 by default). */
const MAX_BATCH_LINKS = 128;

/**
 * Runs a batch handler inside one consumer span that links to the trace of
 * each event in the batch (up to MAX_BATCH_LINKS): a batch has many
 * parents, so it continues none of them (OpenTelemetry's messaging
 * conventions for batch receives).
 */
export function inBatchConsumerSpan<T>(
  name: string,
  parents: readonly { traceparent?: string; tracestate?: string }[],
  attributes: Record<string, string | number>,
  work: () => Promise<T>,
): Promise<T> {
  const links = parents
    .filter((p) => p.traceparent)
    .slice(0, MAX_BATCH_LINKS)
    .map((p) => trace.getSpanContext(contextOf(p.traceparent, p.tracestate)))
    .filter((spanContext) => spanContext !== undefined)
    .map((spanContext) => ({ context: spanContext }));
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes, links }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs a send of many events inside one producer span per event, each the
 * child of the trace its event carries (the request that wrote it), so the
 * publish continues that trace even when it happens later and elsewhere:
 * in the outbox relay, the spool drainer or a batching publisher. Spans end
 * when the broker acknowledged the send (or it failed).
 */
export async function inPublishSpans<T>(
  items: readonly { topic: string; id: string; traceparent?: string; tracestate?: string }[],
  work: () => Promise<T>,
): Promise<T> {
  const spans = items.map((item) =>
    tracer.startSpan(
      `publish ${item.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'messaging.operation.type': 'send', 'messaging.destination.name': item.topic, 'messaging.message.id': item.id },
      },
      contextOf(item.traceparent, item.tracestate),
    ),
  );
  try {
    return await work();
  } catch (error) {
    for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
