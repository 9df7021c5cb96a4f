import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { activeTraceIds, currentTraceparent, extractContext, withExtractedContext } from './trace-context';
import { setServiceName } from './service-name';
import { startTelemetry } from './telemetry-sdk';
import { shutdownTelemetry } from './telemetry-state';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

describe(currentTraceparent.name, () => {
  const exporter = new InMemorySpanExporter();
  // Exports wait for the pending service-name attribute, so read spans after a flush.
  const processor = new SimpleSpanProcessor(exporter);
  const finishedSpans = async () => {
    await processor.forceFlush();
    return exporter.getFinishedSpans();
  };
  const tracer = () => trace.getTracer('trace-context.spec');

  beforeAll(() => {
    setServiceName('trace-spec');
    startTelemetry({ spanProcessors: [processor], instrumentations: [] });
  });
  afterEach(() => exporter.reset());
  afterAll(() => shutdownTelemetry());

  it('returns undefined outside any span', () => {
    expect(currentTraceparent()).toBeUndefined();
    expect(activeTraceIds()).toBeUndefined();
  });

  it('serializes the active span as a traceparent that round-trips through extractContext', () => {
    tracer().startActiveSpan('producer', (span) => {
      const traceparent = currentTraceparent();
      expect(traceparent).toMatch(TRACEPARENT);
      const remote = trace.getSpanContext(extractContext({ traceparent }, context.active()));
      expect(remote).toMatchObject({
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        isRemote: true,
      });
      expect(currentTraceparent(extractContext({ traceparent }))).toBe(traceparent);
      span.end();
    });
  });

  it('continues the producer trace in a consumer through withExtractedContext', async () => {
    let traceparent: string | undefined;
    tracer().startActiveSpan('producer', (span) => {
      traceparent = currentTraceparent();
      span.end();
    });
    const [, producerTraceId, producerSpanId] = TRACEPARENT.exec(traceparent ?? '') ?? [];
    withExtractedContext(traceparent, () => {
      expect(activeTraceIds()).toEqual({ trace_id: producerTraceId, span_id: producerSpanId });
      tracer().startActiveSpan('consumer', (span) => span.end());
    });
    const consumer = (await finishedSpans()).find((span) => span.name === 'consumer');
    expect(consumer?.spanContext().traceId).toBe(producerTraceId);
    expect(consumer?.parentSpanContext?.spanId).toBe(producerSpanId);
  });

  it('gives the ids of the active span for log correlation', () => {
    tracer().startActiveSpan('work', (span) => {
      expect(activeTraceIds()).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      span.end();
    });
  });

  it('ignores a malformed traceparent', () => {
    withExtractedContext('00-not-a-trace-01', () => expect(activeTraceIds()).toBeUndefined());
    expect(trace.getSpanContext(extractContext({ traceparent: 'garbage' }))).toBeUndefined();
  });

  it('labels spans with the service name given by setServiceName', async () => {
    tracer().startActiveSpan('named', (span) => span.end());
    const [span] = await finishedSpans();
    await span.resource.waitForAsyncAttributes?.();
    expect(span.resource.attributes['service.name']).toBe('trace-spec');
  });
});
