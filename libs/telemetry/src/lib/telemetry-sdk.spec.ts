import { trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createInstrumentations } from './instrumentations';
import { RedactingSpanProcessor } from './redacting-span-processor';
import { createSdkConfiguration, otlpTracesUrl, spanProcessorsFor, startTelemetry, startTelemetryFromEnvironment } from './telemetry-sdk';
import { isTelemetryRunning, shutdownTelemetry } from './telemetry-state';
import { activeTraceIds } from './trace-context';

describe(createSdkConfiguration.name, () => {
  it('configures no exporter when OTEL_EXPORTER_OTLP_ENDPOINT is unset', () => {
    const config = createSdkConfiguration({ instrumentations: [] });
    expect(config.traceExporter).toBeUndefined();
    expect(config.spanProcessors?.map((processor) => processor.constructor)).toEqual([RedactingSpanProcessor, NoopSpanProcessor]);
  });

  it('leaves the SDK no room to fall back to its default OTLP metrics and logs exporters', () => {
    const config = createSdkConfiguration({ instrumentations: [] });
    expect(config.metricReaders).toEqual([]);
    expect(config.logRecordProcessors).toEqual([]);
  });

  it('batches spans to the OTLP/HTTP exporter when an endpoint is set', () => {
    const [processor] = spanProcessorsFor('http://collector:4318');
    expect(processor).toBeInstanceOf(BatchSpanProcessor);
  });

  it('uses OTEL_SERVICE_NAME as the service name when given', () => {
    expect(createSdkConfiguration({ serviceName: 'issuer-eu', instrumentations: [] }).serviceName).toBe('issuer-eu');
  });
});

describe(otlpTracesUrl.name, () => {
  it('appends the traces path to the base endpoint', () => {
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('https://otel.example/base/')).toBe('https://otel.example/base/v1/traces');
  });
});

describe(startTelemetry.name, () => {
  afterEach(() => shutdownTelemetry());

  it('creates real trace ids without exporting anything when no endpoint is set', async () => {
    const exportSpy = jest.spyOn(OTLPTraceExporter.prototype, 'export');
    startTelemetry({ instrumentations: [] });
    trace.getTracer('spec').startActiveSpan('local', (span) => {
      expect(activeTraceIds()?.trace_id).toMatch(/^[0-9a-f]{32}$/);
      span.end();
    });
    await shutdownTelemetry();
    expect(exportSpy).not.toHaveBeenCalled();
  });
});

describe(startTelemetryFromEnvironment.name, () => {
  it('stays off when the telemetry variables are invalid, leaving the report to the service bootstrap', () => {
    expect(startTelemetryFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toBe(false);
    expect(isTelemetryRunning()).toBe(false);
  });
});

describe(createInstrumentations.name, () => {
  const http = () => createInstrumentations().find((i): i is HttpInstrumentation => i instanceof HttpInstrumentation);

  it('captures no HTTP headers', () => {
    expect(http()?.getConfig().headersToSpanAttributes).toBeUndefined();
  });

  it('does not trace probe requests', () => {
    const ignore = http()?.getConfig().ignoreIncomingRequestHook;
    const request = (url: string) => ({ url }) as Parameters<NonNullable<typeof ignore>>[0];
    expect(['/healthz', '/readyz', '/metrics', '/readyz?verbose=1'].map((url) => ignore?.(request(url)))).toEqual([true, true, true, true]);
    expect(ignore?.(request('/sts/v1.0/issueToken'))).toBe(false);
  });

  it('redacts the subscription key from recorded query strings', () => {
    expect(http()?.getConfig().redactedQueryParamsServer).toContain('subscription-key');
  });
});
