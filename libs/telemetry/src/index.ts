export {
  activeTraceIds,
  currentTraceparent,
  extractContext,
  injectContext,
  withExtractedContext,
  type TraceCarrier,
  type TraceIds,
} from './lib/trace-context';
export { setServiceName, FALLBACK_SERVICE_NAME } from './lib/service-name';
export { shutdownTelemetry } from './lib/telemetry-state';
export { isProbePath, isSensitiveQueryParam, PROBE_PATHS, redactUrl, SENSITIVE_QUERY_PARAMS } from './lib/sensitive-request-parts';
export { PROMETHEUS_CONTENT_TYPE, renderPrometheusMetrics } from './lib/prometheus-metrics';
export {
  METRICS,
  catalogueCounter,
  catalogueGauge,
  catalogueHistogram,
  LATENCY_BUCKETS_MS,
  latchkeyMeter,
  prometheusName,
  type MetricDefinition,
  type MetricKey,
} from './lib/metrics/metric-catalogue';
export { startTelemetry, type TelemetryOptions } from './lib/telemetry-sdk';
export { annotateActiveSpan, inSpan, type LatchkeySpanAttributes } from './lib/spans';
