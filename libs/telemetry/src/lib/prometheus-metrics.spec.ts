import { metrics } from '@opentelemetry/api';
import { parseScrape } from '@latchkey/testing';
import {
  catalogueCounter,
  catalogueGauge,
  catalogueHistogram,
  LATENCY_BUCKETS_MS,
  METRICS,
  prometheusName,
  type MetricDefinition,
  type MetricKey,
} from './metrics/metric-catalogue';
import { renderPrometheusMetrics } from './prometheus-metrics';
import { startTelemetry } from './telemetry-sdk';
import { shutdownTelemetry } from './telemetry-state';

describe(renderPrometheusMetrics.name, () => {
  afterEach(() => shutdownTelemetry());

  it('says there is nothing to collect while telemetry is not running', async () => {
    const scrape = parseScrape(await renderPrometheusMetrics());
    expect(scrape.families.size).toBe(0);
    expect(scrape.text).toMatch(/^# telemetry is not running/);
  });

  it('renders what the meters of the running SDK recorded, counters and histograms, with their labels', async () => {
    startTelemetry({ instrumentations: [] });
    const meter = metrics.getMeter('spec');
    meter.createCounter('latchkey.spec.things', { description: 'Things counted by the spec' }).add(3, { outcome: 'ok' });
    meter.createHistogram('latchkey.spec.duration', { unit: 'ms' }).record(12, { outcome: 'ok' });
    const scrape = parseScrape(await renderPrometheusMetrics());
    // OpenTelemetry's names as Prometheus spells them (dots to underscores, `_total` on counters): dashboards use these.
    expect(scrape.families.get('latchkey_spec_things_total')).toMatchObject({ type: 'counter', help: 'Things counted by the spec' });
    expect(scrape.samples('latchkey_spec_things_total')).toEqual([
      { name: 'latchkey_spec_things_total', labels: { outcome: 'ok', otel_scope_name: 'spec' }, value: 3 },
    ]);
    expect(scrape.families.get('latchkey_spec_duration')?.type).toBe('histogram');
    expect(scrape.total('latchkey_spec_duration_count', { outcome: 'ok' })).toBe(1);
    expect(scrape.total('latchkey_spec_duration_sum', { outcome: 'ok' })).toBe(12);
    // No target_info: it would publish the process's command line and host to anyone who can reach /metrics.
    expect(scrape.families.has('target_info')).toBe(false);
  });

  it('exposes every metric of the catalogue under the Prometheus name the catalogue gives it', async () => {
    startTelemetry({ instrumentations: [] });
    for (const [key, definition] of Object.entries(METRICS) as [MetricKey, MetricDefinition][]) {
      const labels = Object.fromEntries(definition.labels.map((label) => [label, 'x']));
      if (definition.kind === 'counter') catalogueCounter(key as never).add(1, labels);
      else if (definition.kind === 'histogram') catalogueHistogram(key as never).record(1, labels);
      else catalogueGauge(key as never).addCallback((result) => result.observe(1, labels));
    }
    const scrape = parseScrape(await renderPrometheusMetrics());
    // Histograms use the platform's bounds, fine below 10 ms where the latency targets are.
    const bounds = scrape.samples('latchkey_issuance_duration_bucket').map((s) => s.labels['le']);
    expect(bounds).toEqual([...LATENCY_BUCKETS_MS.map(String), '+Inf']);
    for (const definition of Object.values(METRICS) as MetricDefinition[]) {
      const family = scrape.families.get(prometheusName(definition));
      expect({ name: definition.name, type: family?.type }).toEqual({ name: definition.name, type: definition.kind });
      expect(family?.help).toBe(definition.description);
    }
  });

  it('forgets a gauge series nobody observes any more, and keeps counting counters', async () => {
    startTelemetry({ instrumentations: [] });
    const observed = new Map([
      ['a', 3],
      ['b', 5],
    ]);
    catalogueGauge('consumerLag').addCallback((result) => {
      for (const [group, lag] of observed) result.observe(lag, { group, topic: 't', partition: '0' });
    });
    const counter = catalogueCounter('deadLetters');
    counter.add(1, { topic: 't', group: 'a', code: 'X' });
    expect(
      parseScrape(await renderPrometheusMetrics())
        .samples('latchkey_consumer_lag')
        .map((s) => s.labels['group']),
    ).toEqual(['a', 'b']);
    observed.delete('b'); // b stopped
    counter.add(1, { topic: 't', group: 'a', code: 'X' });
    const scrape = parseScrape(await renderPrometheusMetrics());
    expect(scrape.samples('latchkey_consumer_lag').map((s) => [s.labels['group'], s.value])).toEqual([['a', 3]]);
    expect(scrape.total('latchkey_dead_letters_total')).toBe(2);
  });

  it('stops collecting when telemetry shuts down', async () => {
    startTelemetry({ instrumentations: [] });
    await shutdownTelemetry();
    expect(await renderPrometheusMetrics()).toMatch(/^# telemetry is not running/);
  });
});
