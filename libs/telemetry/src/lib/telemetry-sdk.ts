import { ConfigError, loadConfig, pickConfigSlice, platformConfig, type Env } from '@latchkey/config';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { createInstrumentations } from './instrumentations';
import { createPrometheusReader, setPrometheusReader } from './prometheus-metrics';
import { RedactingSpanProcessor } from './redacting-span-processor';
import { deferredServiceName } from './service-name';
import { isTelemetryRunning, setRunningTelemetry } from './telemetry-state';

/** The SDK's metric reader type, as NodeSDK takes it. */
type MetricReader = NonNullable<NodeSDKConfiguration['metricReaders']>[number];

/** How long exports wait for `setServiceName` before using the fallback name. */
const SERVICE_NAME_WAIT_MS = 10_000;

export interface TelemetryOptions {
  /** OTEL_SERVICE_NAME; when absent the name comes from `setServiceName`. */
  readonly serviceName?: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT (base URL); when absent nothing is exported. */
  readonly otlpEndpoint?: string;
  /** Replaces the exporter pipeline (tests use an in-memory exporter). */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** The reader `/metrics` collects from (startTelemetry creates one). */
  readonly metricReader?: MetricReader;
  /** Replaces the default instrumentations (tests pass none). */
  readonly instrumentations?: readonly Instrumentation[];
}

/** `<endpoint>/v1/traces`, as the OTLP spec derives it from OTEL_EXPORTER_OTLP_ENDPOINT. */
export function otlpTracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Without an endpoint the tracer still creates spans (so logs and events carry
 * trace ids across services) but hands them to a no-op processor: nothing
 * leaves the machine.
 */
export function spanProcessorsFor(otlpEndpoint: string | undefined): SpanProcessor[] {
  if (otlpEndpoint === undefined) return [new NoopSpanProcessor()];
  return [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(otlpEndpoint) }))];
}

/**
 * The NodeSDK configuration. Every pipeline is explicit, because the SDK
 * otherwise falls back to OTEL_*_EXPORTER, whose default is an OTLP exporter
 * to localhost for traces, metrics and logs alike.
 */
export function createSdkConfiguration(options: TelemetryOptions): Partial<NodeSDKConfiguration> {
  const naming =
    options.serviceName !== undefined
      ? { serviceName: options.serviceName }
      : {
          resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: deferredServiceName(SERVICE_NAME_WAIT_MS) })),
        };
  return {
    ...naming,
    textMapPropagator: new W3CTraceContextPropagator(),
    // Scrubbing runs first, so no exporter ever sees a credential in a URL attribute.
    spanProcessors: [new RedactingSpanProcessor(), ...(options.spanProcessors ?? spanProcessorsFor(options.otlpEndpoint))],
    // Only the Prometheus reader, when given (the SDK would otherwise add an OTLP one from OTEL_METRICS_EXPORTER).
    metricReaders: options.metricReader === undefined ? [] : [options.metricReader],
    logRecordProcessors: [],
    instrumentations: [...(options.instrumentations ?? createInstrumentations())],
  };
}

/** Starts the OpenTelemetry SDK once per process, with the Prometheus reader behind `/metrics`; later calls are ignored. */
export function startTelemetry(options: TelemetryOptions): void {
  if (isTelemetryRunning()) return;
  const metricReader = createPrometheusReader();
  const sdk = new NodeSDK(createSdkConfiguration({ ...options, metricReader }));
  sdk.start();
  setPrometheusReader(metricReader);
  setRunningTelemetry({
    shutdown: async () => {
      setPrometheusReader(undefined);
      await sdk.shutdown();
    },
  });
}

const telemetryConfig = pickConfigSlice(platformConfig, ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME']);

/**
 * Starts telemetry from the environment. Invalid telemetry variables leave it
 * off: they are part of the platform config, so the service bootstrap reports
 * them together with every other bad variable and exits.
 * @returns whether telemetry was started.
 */
export function startTelemetryFromEnvironment(env?: Env): boolean {
  let config;
  try {
    config = loadConfig(telemetryConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
  startTelemetry({ serviceName: config.OTEL_SERVICE_NAME, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  return true;
}
