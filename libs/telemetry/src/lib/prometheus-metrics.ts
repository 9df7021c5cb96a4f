import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';

/** The media type of the Prometheus text exposition format, as scrapers expect it. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The metric reader of a running telemetry SDK: a Prometheus exporter that
 * starts no server of its own. The services expose what it collects at
 * `/metrics` on their own port (libs/http), so there is one port per service
 * to open and probe, not two.
 */
export function createPrometheusReader(): PrometheusExporter {
  return new GaugeForgettingExporter({ preventServerStart: true });
}

/**
 * Gauges with delta temporality: the exporter otherwise keeps repeating a
 * gauge series' last value once nothing observes it (a stopped consumer, a
 * partition a rebalance moved to another member), and a frozen lag would
 * feed the alert rules. Counters and histograms stay cumulative, as
 * Prometheus expects.
 */
class GaugeForgettingExporter extends PrometheusExporter {
  override selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    return type === InstrumentType.OBSERVABLE_GAUGE || type === InstrumentType.GAUGE
      ? AggregationTemporality.DELTA
      : super.selectAggregationTemporality(type);
  }
}

let reader: PrometheusExporter | undefined;

/** Called by the telemetry bootstrap with the reader it registered (undefined once it shut down). */
export function setPrometheusReader(next: PrometheusExporter | undefined): void {
  reader = next;
}

/**
 * Every metric of this process in the Prometheus text format. Without a
 * running SDK (unit tests, telemetry switched off by a bad variable) there is
 * nothing to collect: the answer is a comment saying so, still valid text.
 */
export async function renderPrometheusMetrics(): Promise<string> {
  if (reader === undefined) return '# telemetry is not running: no metrics\n';
  const { resourceMetrics, errors } = await reader.collect();
  // Without target_info: the resource holds the process's command line, owner and host, which a public scrape
  // endpoint should not hand out; Prometheus labels each series with its job and instance anyway.
  const text = new PrometheusSerializer(undefined, false, undefined, true).serialize(resourceMetrics);
  // A failed observable callback leaves its metric out; the rest is still worth scraping.
  return errors.length === 0 ? text : `# ${errors.length} metric callback(s) failed during this collection\n${text}`;
}
