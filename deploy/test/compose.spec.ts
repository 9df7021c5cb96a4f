import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { serviceKeyVariable } from '@latchkey/access-guards';
import { DEFAULT_PORTS } from '@latchkey/config';
import { composeValidator } from './support/compose-schema';
import { serviceVariables } from './support/config-catalogue';
import { spoolingServices } from './support/spooling-services';
import { DEPLOY_ROOT, list, readYaml, record } from './support/deploy-files';
import { DERIVATION_VARIABLES, keyedServices } from './support/service-keys';

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

const OBSERVABILITY = ['grafana', 'jaeger', 'otel-collector', 'prometheus'];
const LATCHKEY = Object.keys(DEFAULT_PORTS);
const SECRET = /(_KEY|_SECRET|PASSWORD)$/;
/** Read from the source once (it walks libs/). */
const SPOOLING = spoolingServices();

/** `${NAME:?message}`, `${NAME:-default}` or `${NAME}` references in a value. */
function references(value: string): { name: string; required: boolean }[] {
  return [...value.matchAll(/\$\{([A-Z0-9_]+)(:?[?-][^}]*)?\}/g)].map((m) => ({ name: m[1], required: !(m[2] ?? '').includes('-') }));
}

function environment(service: string): Record<string, string> {
  return Object.fromEntries(Object.entries(record(record(services[service])['environment'])).map(([k, v]) => [k, String(v)]));
}

/** The variables generate-env.js writes into .env, and their values. */
function generatedEnv(): Record<string, string> {
  const out = execFileSync(process.execPath, [join(DEPLOY_ROOT, 'compose/generate-env.js'), '--format', 'json'], { encoding: 'utf8' });
  return JSON.parse(out) as Record<string, string>;
}

describe('compose file (deploy/compose/compose.yaml)', () => {
  const schemaProblems = composeValidator();

  it('is valid against the Compose Specification schema', () => {
    expect(schemaProblems(compose)).toEqual([]);
  });

  it('runs the observability stack, Kafka, PostgreSQL, the topic one-shot and every service', () => {
    expect(Object.keys(services).sort()).toEqual([...OBSERVABILITY, 'kafka', 'kafka-topics', 'postgres', ...LATCHKEY].sort());
  });

  it('starts only the observability stack without the platform profile (services on the host, docs/OPERATIONS.md)', () => {
    for (const name of Object.keys(services)) {
      expect([name, list(record(services[name])['profiles'])]).toEqual([name, OBSERVABILITY.includes(name) ? [] : ['platform']]);
    }
  });

  describe.each(LATCHKEY)('service %s', (name) => {
    const service = record(services[name]);

    it('runs from the repository image, named by its command, hardened like the Kubernetes pods', () => {
      const build = record(service['build']);
      expect(existsSync(join(DEPLOY_ROOT, 'compose', String(build['context']), String(build['dockerfile'] ?? 'Dockerfile')))).toBe(true);
      expect(join(DEPLOY_ROOT, 'compose', String(build['context']))).toBe(join(DEPLOY_ROOT, '..'));
      expect(service['command']).toEqual([name]);
      expect(service['read_only']).toBe(true);
      expect(list(service['tmpfs']).some((t) => String(t).startsWith('/tmp'))).toBe(true);
      expect(service['cap_drop']).toEqual(['ALL']);
      expect(list(service['ports'])).toEqual([
        `127.0.0.1:${DEFAULT_PORTS[name as keyof typeof DEFAULT_PORTS]}:${DEFAULT_PORTS[name as keyof typeof DEFAULT_PORTS]}`,
      ]);
    });

    it('waits for PostgreSQL to be healthy and the topics to exist', () => {
      const dependsOn = record(service['depends_on']);
      expect(record(dependsOn['postgres'])['condition']).toBe('service_healthy');
      expect(record(dependsOn['kafka-topics'])['condition']).toBe('service_completed_successfully');
    });

    it('sets only variables the services read, and reaches Kafka, PostgreSQL and the collector of this file', () => {
      const env = environment(name);
      expect(Object.keys(env).filter((k) => !serviceVariables().has(k))).toEqual([]);
      expect(env['KAFKA_BROKERS']).toBe('kafka:9092');
      expect(env['DATABASE_URL']).toMatch(/^postgres:\/\/latchkey:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/latchkey$/);
      expect(env['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://otel-collector:4318');
    });

    it(SPOOLING.includes(name) ? 'keeps its spool on a named volume, not on the tmpfs' : 'keeps no spool', () => {
      const dir = environment(name)['LATCHKEY_SPOOL_DIR'];
      if (!SPOOLING.includes(name)) return expect(dir).toBeUndefined();
      expect(dir).toMatch(/^\/var\/lib\/latchkey\//);
      const named = list(service['volumes']).filter((v) => bindMount(v) === undefined);
      expect(named.map((v) => String(v).split(':')[1])).toContain(dir);
      const volume = String(named.find((v) => String(v).split(':')[1] === dir)).split(':')[0];
      expect(Object.keys(record(compose['volumes']))).toContain(volume);
    });

    it('takes every secret from the environment (.env), never a value written here', () => {
      for (const [key, value] of Object.entries(environment(name)).filter(([k]) => SECRET.test(k))) {
        expect([key, value]).toEqual([key, expect.stringMatching(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/)]);
      }
    });

    it('hands it only its own rbac key from .env, and the secret the keys derive from only to rbac', () => {
      const keyVariables = new Set([...keyedServices().map(serviceKeyVariable), ...DERIVATION_VARIABLES]);
      const handed = Object.values(environment(name)).flatMap((value) =>
        references(value).flatMap((r) => (keyVariables.has(r.name) ? [r.name] : [])),
      );
      expect(handed).toEqual([name === 'rbac' ? 'LATCHKEY_RBAC_SERVICE_KEY_SECRET' : serviceKeyVariable(name)]);
    });
  });

  it('names the same party with the same URL (issuer, exchange)', () => {
    const all = Object.assign({}, ...LATCHKEY.map(environment)) as Record<string, string>;
    for (const key of ['LATCHKEY_LAT_ISSUER', 'LATCHKEY_AUDIT_FEED_ISSUER', 'LATCHKEY_ABUSE_ISSUER'])
      expect([key, all[key]]).toEqual([key, all['LATCHKEY_ISSUER_URL']]);
    expect(all['LATCHKEY_RBAC_EXCHANGE_ISSUER']).toBe(all['LATCHKEY_EXCHANGE_URL']);
  });

  it('requires only variables that generate-env.js writes into .env, each well-formed', () => {
    const generated = generatedEnv();
    const required = Object.values(services).flatMap((s) =>
      Object.values(record(record(s)['environment'])).flatMap((v) =>
        references(String(v))
          .filter((r) => r.required)
          .map((r) => r.name),
      ),
    );
    expect([...new Set(required)].filter((name) => !(name in generated))).toEqual([]);
    expect(Buffer.from(generated['LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY'], 'base64')).toHaveLength(32);
    expect(Buffer.from(generated['LATCHKEY_ISSUER_KEY_DIGEST_SECRET'], 'base64')).toHaveLength(32);
    expect(JSON.parse(generated['LATCHKEY_EXCHANGE_SIGNING_KEY'])).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
    expect(JSON.parse(generated['LATCHKEY_AUDIT_SIGNING_KEY'])).toMatchObject({ kty: 'OKP', crv: 'Ed25519', d: expect.any(String) });
    for (const [key, value] of Object.entries(generated).filter(([k]) => k.endsWith('_OPERATOR_KEY')))
      expect([key, value.length >= 32]).toEqual([key, true]);
    expect(generatedEnv()['LATCHKEY_RBAC_OPERATOR_KEY']).not.toBe(generated['LATCHKEY_RBAC_OPERATOR_KEY']);
  });

  it('creates the topics once Kafka is healthy, with the Kubernetes Job’s script and list, and lets no produce create one', () => {
    const oneShot = record(services['kafka-topics']);
    expect(record(record(oneShot['depends_on'])['kafka'])['condition']).toBe('service_healthy');
    expect(
      mounts('kafka-topics')
        .map((m) => m.source)
        .sort(),
    ).toEqual(['../k8s/base/kafka-topics/create-topics.sh', '../k8s/base/kafka-topics/topics.conf']);
    expect(record(record(services['kafka'])['environment'])['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
    expect(record(services['kafka'])['image']).toBe(oneShot['image']);
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

  it('gives Prometheus both configurations (host or platform), and the rule file at the path they load', () => {
    const prometheus = record(services['prometheus']);
    const byTarget = new Map(mounts('prometheus').map((m) => [m.target, m.source]));
    expect(list(prometheus['command'])).toContain('--config.file=/etc/prometheus/${LATCHKEY_PROMETHEUS_CONFIG:-prometheus.yml}');
    for (const config of ['prometheus.yml', 'prometheus.platform.yml']) {
      expect(byTarget.get(`/etc/prometheus/${config}`)).toBe(`../prometheus/${config}`);
      for (const ruleFile of list(record(readYaml(`prometheus/${config}`))['rule_files'])) {
        expect(byTarget.get(String(ruleFile))).toBe('../prometheus/alerts.yml');
      }
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

  describe('the schema check itself', () => {
    it('reports an unknown service key, a bad depends_on condition and a bad duration', () => {
      const broken = {
        services: {
          a: { image: 'x:1', restart_policy: 'always', depends_on: { b: { condition: 'service_ready' } }, healthcheck: { interval: '5 seconds' } },
          b: { image: 'x:1' },
        },
      };
      const problems = schemaProblems(broken).join('\n');
      expect(problems).toMatch(/\/services\/a must NOT have additional properties/);
      expect(problems).toMatch(/condition must be equal to one of the allowed values/);
      expect(problems).toMatch(/interval must match format "duration"/);
    });
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
