import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setServiceName, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { activeTraceContext, inPublishSpans } from './trace-context';

describe(inPublishSpans.name, () => {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  // Exports wait for the service name, so spans are read after a flush.
  const finishedSpans = async () => {
    await processor.forceFlush();
    return exporter.getFinishedSpans();
  };
  beforeAll(() => {
    setServiceName('messaging-spec');
    startTelemetry({ spanProcessors: [processor], instrumentations: [] });
  });
  afterEach(() => exporter.reset());
  afterAll(() => shutdownTelemetry());

  /** The trace context of a span standing for the request that wrote an event. */
  const requestContext = (name: string) =>
    trace.getTracer('spec').startActiveSpan(name, (span) => {
      const carried = activeTraceContext();
      span.end();
      return { ...carried, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
    });

  it('publishes each event in a producer span that continues the trace of the request that wrote it, not the sender’s', async () => {
    const first = requestContext('request one');
    const second = requestContext('request two');
    // The sender (an outbox relay pass) runs in a trace of its own.
    await trace.getTracer('spec').startActiveSpan('relay pass', async (relay) => {
      await inPublishSpans(
        [
          { topic: 'lat.issued', id: 'e1', traceparent: first.traceparent },
          { topic: 'lat.issued', id: 'e2', traceparent: second.traceparent },
        ],
        async () => undefined,
      );
      relay.end();
    });
    const published = (await finishedSpans()).filter((s) => s.name === 'publish lat.issued');
    expect(published.map((s) => [s.spanContext().traceId, s.parentSpanContext?.spanId, s.kind, s.attributes['messaging.message.id']])).toEqual([
      [first.traceId, first.spanId, SpanKind.PRODUCER, 'e1'],
      [second.traceId, second.spanId, SpanKind.PRODUCER, 'e2'],
    ]);
  });

  it('marks every span of a failed send as an error, and ends them', async () => {
    await expect(inPublishSpans([{ topic: 't', id: 'e1' }], () => Promise.reject(new TypeError('broker down')))).rejects.toThrow('broker down');
    const [span] = await finishedSpans();
    expect(span?.status).toMatchObject({ code: 2, message: 'TypeError' });
  });
});
