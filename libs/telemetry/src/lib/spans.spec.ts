import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setServiceName } from './service-name';
import { annotateActiveSpan, inSpan } from './spans';
import { startTelemetry } from './telemetry-sdk';
import { shutdownTelemetry } from './telemetry-state';

describe('platform spans', () => {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  const finishedSpans = async () => {
    await processor.forceFlush();
    return exporter.getFinishedSpans();
  };
  beforeAll(() => {
    setServiceName('spans-spec');
    startTelemetry({ spanProcessors: [processor], instrumentations: [] });
  });
  afterEach(() => exporter.reset());
  afterAll(() => shutdownTelemetry());

  it('runs work in a child span of the active one, with its attributes, and annotates the active span', async () => {
    await trace.getTracer('spec').startActiveSpan('request', async (request) => {
      annotateActiveSpan({ 'latchkey.isv_id': 'isv-1', 'latchkey.jti': undefined });
      await inSpan('jwks fetch', { 'latchkey.jwks_source': 'issuer' }, async () => 'keys');
      request.end();
    });
    const [fetch, request] = await finishedSpans();
    expect(fetch?.name).toBe('jwks fetch');
    expect(fetch?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(fetch?.attributes).toEqual({ 'latchkey.jwks_source': 'issuer' });
    expect(request?.attributes).toEqual({ 'latchkey.isv_id': 'isv-1' });
  });

  it('marks a failed step as an error with the error’s name only (its message may quote what it refused)', async () => {
    await expect(inSpan('sign', {}, () => Promise.reject(new RangeError('bad key eyJhbGciOi')))).rejects.toThrow(RangeError);
    const [span] = await finishedSpans();
    expect(span?.status).toEqual({ code: 2, message: 'RangeError' });
    expect(JSON.stringify(span?.events)).not.toContain('eyJ');
  });
});
