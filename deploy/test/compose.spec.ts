import { existsSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { DEPLOY_ROOT, list, readYaml, record } from './support/deploy-files';

const COMPOSE_FILE = 'compose/compose.yaml';
const compose = record(readYaml(COMPOSE_FILE));
const services = record(compose['services']);

/** A bind mount of the short syntax (`./src:/dst[:ro]`), or undefined for a named volume. */
function bindMount(volume: unknown): { source: string; target: string } | undefined {
  if (typeof volume === 'string') {
    const [source, target] = volume.split(':');
    return /^[./~]/.test(source) ? { source, target } : undefined;
  }
  const long = record(volume);
  return long['type'] === 'bind' ? { source: String(long['source']), target: String(long['target']) } : undefined;
}

function mounts(service: string): { source: string; target: string }[] {
  return list(record(services[service])['volumes']).flatMap((v) => bindMount(v) ?? []);
}

/** Whether an image reference names a fixed version: a tag other than `latest`, or a digest. */
function isPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest' && !/^(stable|main|master|edge|nightly)$/.test(tag);
}

describe('compose file (deploy/compose/compose.yaml)', () => {
  it('runs the observability stack', () => {
    expect(Object.keys(services).sort()).toEqual(['grafana', 'jaeger', 'otel-collector', 'prometheus']);
  });

  it.each(Object.keys(services))('pins the image of %s', (service) => {
    const image = String(record(services[service])['image'] ?? '');
    expect([image, isPinned(image)]).toEqual([image, true]);
  });

  it.each(Object.keys(services).flatMap((service) => mounts(service).map((m) => [service, m.source] as const)))(
    '%s mounts %s, which exists',
    (_service, source) => {
      const path = join(DEPLOY_ROOT, dirname(COMPOSE_FILE), source);
      expect([source, existsSync(path) && statSync(path).isFile()]).toEqual([source, true]);
    },
  );

  it('publishes every port on 127.0.0.1 only', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of list(record(service)['ports']))
        expect([name, String(port)]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/)]);
    }
  });

  it('gives the collector the configuration it mounts and publishes OTLP/HTTP on 4318', () => {
    const collector = record(services['otel-collector']);
    const config = mounts('otel-collector').find((m) => m.source === '../otel/collector.yaml');
    expect(list(collector['command'])).toContain(`--config=${config?.target}`);
    expect(list(collector['ports'])).toContain('127.0.0.1:4318:4318');
  });

  it('gives Prometheus its configuration and the rule file at the path prometheus.yml loads', () => {
    const prometheus = record(services['prometheus']);
    const byTarget = new Map(mounts('prometheus').map((m) => [m.target, m.source]));
    expect(list(prometheus['command'])).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(byTarget.get('/etc/prometheus/prometheus.yml')).toBe('../prometheus/prometheus.yml');
    for (const ruleFile of list(record(readYaml('prometheus/prometheus.yml'))['rule_files'])) {
      expect(byTarget.get(String(ruleFile))).toBe('../prometheus/alerts.yml');
    }
    // The services run on the host for now: Linux needs the name mapped (Docker Desktop has it).
    expect(list(prometheus['extra_hosts'])).toContain('host.docker.internal:host-gateway');
  });

  it('provisions Grafana with the datasources, the dashboard provider and the dashboard it points at', () => {
    const byTarget = new Map(mounts('grafana').map((m) => [m.target, m.source]));
    expect(byTarget.get('/etc/grafana/provisioning/datasources/datasources.yaml')).toBe('../grafana/provisioning/datasources/datasources.yaml');
    expect(byTarget.get('/etc/grafana/provisioning/dashboards/dashboards.yaml')).toBe('../grafana/provisioning/dashboards/dashboards.yaml');
    const providers = list(record(readYaml('grafana/provisioning/dashboards/dashboards.yaml'))['providers']).map(record);
    const dashboardDir = String(record(providers[0]?.['options'])['path']);
    expect(byTarget.get(posix.join(dashboardDir, 'latchkey.json'))).toBe('../grafana/dashboards/latchkey.json');
  });

  it('sends traces to a Jaeger service of this file and points Grafana at services of this file', () => {
    const endpoint = String(record(record(record(readYaml('otel/collector.yaml'))['exporters'])['otlp/jaeger'])['endpoint']);
    expect(Object.keys(services)).toContain(endpoint.split(':')[0]);
    for (const datasource of list(record(readYaml('grafana/provisioning/datasources/datasources.yaml'))['datasources'])) {
      expect(Object.keys(services)).toContain(new URL(String(record(datasource)['url'])).hostname);
    }
  });

  describe('the pin check itself', () => {
    it.each(['grafana/grafana', 'grafana/grafana:latest', 'prom/prometheus:main', 'localhost:5000/jaeger'])('refuses %s', (image) => {
      expect(isPinned(image)).toBe(false);
    });

    it.each(['prom/prometheus:v3.2.1', 'localhost:5000/jaeger:2.3.0', `otel/collector@sha256:${'a'.repeat(64)}`])('accepts %s', (image) => {
      expect(isPinned(image)).toBe(true);
    });
  });
});
