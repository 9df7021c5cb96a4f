import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULT_PORTS } from '@latchkey/config';
import { DEPLOY_ROOT, deployFiles, list, record } from './support/deploy-files';
import { serviceVariables } from './support/config-catalogue';
import { modelProblems } from './support/k8s-models';
import { spoolingServices } from './support/spooling-services';
import { generateEnv, generatedKubernetesSecrets, keySecretProblems, keySecretReadProblems } from './support/service-keys';
import { kustomize, parseManifests, readManifests, referencedPaths, strategicMerge, type K8sObject } from './support/kustomize';

const K8S = join(DEPLOY_ROOT, 'k8s');
const OVERLAYS = ['base', 'overlays/dev', 'overlays/production'];
const built = new Map(OVERLAYS.map((dir) => [dir, kustomize(join(K8S, dir))]));
const SERVICES = Object.keys(DEFAULT_PORTS);
const variables = serviceVariables();
const SPOOLING = spoolingServices();

const ofKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);
/** What runs the services: Deployments, and StatefulSets for those that keep a spool. */
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet'];
const workloadsOf = (objects: K8sObject[]): K8sObject[] => objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
const nameOf = (o: K8sObject): string => String(o.metadata['name']);
const podSpec = (workload: K8sObject): Record<string, unknown> => record(record(record(workload['spec'])['template'])['spec']);
const containers = (workload: K8sObject): Record<string, unknown>[] => list(podSpec(workload)['containers']).map(record);
const initContainers = (workload: K8sObject): Record<string, unknown>[] => list(podSpec(workload)['initContainers']).map(record);
const isSingleton = (d: K8sObject): boolean => typeof record(d.metadata['annotations'])['latchkey.io/singleton'] === 'string';
const labelsMatch = (selector: Record<string, unknown>, labels: Record<string, unknown>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
const templateLabels = (d: K8sObject): Record<string, unknown> => record(record(record(record(d['spec'])['template'])['metadata'])['labels']);

/** The objects `kubectl kustomize` builds, when kubectl is installed. */
function kubectlKustomize(dir: string): K8sObject[] | undefined {
  try {
    const yaml = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
    return parseManifests(yaml, `kubectl kustomize ${dir}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
const byKindAndName = (objects: K8sObject[]): K8sObject[] =>
  [...objects].sort((a, b) => `${a.kind}/${nameOf(a)}`.localeCompare(`${b.kind}/${nameOf(b)}`));

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('are every YAML file under deploy/k8s, each one parsing', () => {
    const files = deployFiles('.yaml', '.yml').filter((f) => f.startsWith('k8s/'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(() => readManifests(join(DEPLOY_ROOT, file))).not.toThrow();
  });

  describe.each(OVERLAYS)('kustomization %s', (dir) => {
    const objects = built.get(dir) ?? [];

    it.each(referencedPaths(join(K8S, dir)).map((p) => [relative(K8S, p)]))('names %s, which exists', (path) => {
      expect(existsSync(join(K8S, path))).toBe(true);
    });

    it('builds objects that kubernetes-models validates, each kind known to it', () => {
      const problems = modelProblems(objects);
      const report = objects.map((o, i) => [`${o.kind}/${nameOf(o)}`, problems[i]]);
      expect(report).toEqual(objects.map((o) => [`${o.kind}/${nameOf(o)}`, []]));
    });

    it('builds what kubectl kustomize builds (when kubectl is installed)', () => {
      const real = kubectlKustomize(join(K8S, dir));
      if (real === undefined) {
        console.warn('kubectl not installed: the test kustomize is not compared with the real one');
        return;
      }
      expect(byKindAndName(objects)).toEqual(byKindAndName(real));
    });

    it('runs every service the image knows, each with a Service on its default port', () => {
      const deployments = workloadsOf(objects);
      expect(deployments.map(nameOf).sort()).toEqual([...SERVICES].sort());
      for (const d of deployments) {
        const [container] = containers(d);
        const port = DEFAULT_PORTS[nameOf(d) as keyof typeof DEFAULT_PORTS];
        expect([nameOf(d), container['args']]).toEqual([nameOf(d), [nameOf(d)]]);
        expect([nameOf(d), list(container['ports']).map(record)[0]?.['containerPort']]).toEqual([nameOf(d), port]);
        const service = ofKind(objects, 'Service').find(
          (s) => nameOf(s) === nameOf(d) && labelsMatch(record(record(s['spec'])['selector']), templateLabels(d)),
        );
        expect([nameOf(d), service && nameOf(service), list(record(service?.['spec'])['ports']).map(record)[0]?.['port']]).toEqual([
          nameOf(d),
          nameOf(d),
          port,
        ]);
      }
    });

    it('gives every workload both probes, requests and limits, a non-root user, a read-only root filesystem, no capabilities and a writable /tmp', () => {
      for (const d of workloadsOf(objects)) expect([nameOf(d), workloadProblems(d, true)]).toEqual([nameOf(d), []]);
      for (const j of ofKind(objects, 'Job')) expect([nameOf(j), workloadProblems(j, false)]).toEqual([nameOf(j), []]);
    });

    it(`keeps the spool of every spooling service (${SPOOLING.join(', ')}) on a claim of its own per replica; nothing else is a StatefulSet`, () => {
      expect(SPOOLING.length).toBeGreaterThan(0);
      for (const w of workloadsOf(objects)) expect([nameOf(w), spoolProblems(w)]).toEqual([nameOf(w), []]);
    });

    it('gives every replicated workload a PodDisruptionBudget and a HorizontalPodAutoscaler; singletons neither, one replica, Recreate', () => {
      for (const d of workloadsOf(objects)) expect([nameOf(d), scalingProblems(d, objects)]).toEqual([nameOf(d), []]);
    });

    it('sets only variables the services read (docs/CONFIG.md), secrets only from the Secret generate-env.js puts them in', () => {
      expect(environmentProblems(objects)).toEqual([]);
    });

    it('lets each service key Secret be read by its own service only, which takes its key from it', () => {
      expect(keySecretReadProblems(workloadsOf(objects))).toEqual([]);
    });

    it('names the same party with the same URL (issuer, exchange)', () => {
      const data = record(ofKind(objects, 'ConfigMap').find((c) => nameOf(c) === 'latchkey-config')?.['data']);
      for (const key of ['LATCHKEY_LAT_ISSUER', 'LATCHKEY_AUDIT_FEED_ISSUER', 'LATCHKEY_ABUSE_ISSUER'])
        expect([key, data[key]]).toEqual([key, data['LATCHKEY_ISSUER_URL']]);
      expect(data['LATCHKEY_RBAC_EXCHANGE_ISSUER']).toBe(data['LATCHKEY_EXCHANGE_URL']);
    });

    it('pins every image (no latest) and creates the topics with a Job', () => {
      for (const workload of [...workloadsOf(objects), ...ofKind(objects, 'Job')]) {
        for (const c of [...containers(workload), ...initContainers(workload)])
          expect(String(c['image'])).toMatch(/^[^:]+(:[0-9][\w.-]*|@sha256:[0-9a-f]{64})$/);
      }
      const job = ofKind(objects, 'Job').find((j) => nameOf(j) === 'kafka-topics');
      expect(list(containers(job as K8sObject)[0]?.['command'])).toEqual(['/bin/sh', '/topics/create-topics.sh']);
    });
  });

  it('keeps each service key, and the secret they derive from, in a Secret of its own (generate-env.js --format k8s)', () => {
    const secrets = generatedKubernetesSecrets();
    expect(keySecretProblems(secrets)).toEqual([]);
    expect(modelProblems(secrets)).toEqual(secrets.map(() => []));
  });

  it('replicates topics three times in production and once in development', () => {
    const settings = (dir: string): Record<string, unknown> =>
      record(ofKind(built.get(dir) ?? [], 'ConfigMap').find((c) => nameOf(c) === 'kafka-topics-settings')?.['data']);
    expect(settings('overlays/production')).toEqual({ REPLICATION_FACTOR: '3', MIN_INSYNC_REPLICAS: '2' });
    expect(settings('overlays/dev')).toEqual({ REPLICATION_FACTOR: '1', MIN_INSYNC_REPLICAS: '1' });
  });

  describe('the checks themselves', () => {
    const base = built.get('base') ?? [];
    const issuer = ofKind(base, 'Deployment').find((d) => nameOf(d) === 'issuer') as K8sObject;
    const patched = (patch: unknown): K8sObject => strategicMerge(issuer, patch) as K8sObject;
    const container = (fields: Record<string, unknown>): unknown => ({
      spec: { template: { spec: { containers: [{ name: 'issuer', ...fields }] } } },
    });

    it('report a missing probe, limits, a writable root filesystem and root', () => {
      expect(workloadProblems(patched(container({ readinessProbe: null })), true)).toEqual(['issuer: no readinessProbe']);
      expect(workloadProblems(patched(container({ resources: { limits: null } })), true)).toEqual(['issuer: no limits']);
      expect(workloadProblems(patched(container({ securityContext: { readOnlyRootFilesystem: false } })), true)).toContain(
        'issuer: root filesystem writable',
      );
      expect(workloadProblems(patched({ spec: { template: { spec: { securityContext: { runAsNonRoot: false } } } } }), true)).toEqual([
        'pod may run as root',
      ]);
    });

    it('report a spool on scratch space, a claim mounted elsewhere, and a StatefulSet that does not spool', () => {
      const faceApi = workloadsOf(base).find((w) => nameOf(w) === 'face-api') as K8sObject;
      const asDeployment = { ...faceApi, kind: 'Deployment' };
      expect(spoolProblems(asDeployment)).toEqual(['spools but is not a StatefulSet']);
      const elsewhere = strategicMerge(faceApi, {
        spec: { template: { spec: { containers: [{ name: 'face-api', env: [{ name: 'LATCHKEY_SPOOL_DIR', value: '/tmp/latchkey/spool' }] }] } } },
      }) as K8sObject;
      expect(spoolProblems(elsewhere)).toEqual(['LATCHKEY_SPOOL_DIR /tmp/latchkey/spool is not on a volumeClaimTemplate']);
      expect(spoolProblems({ ...issuer, kind: 'StatefulSet' })).toEqual(['a StatefulSet that keeps no spool']);
    });

    it('report a Deployment without its HPA or PDB, and a singleton that scales', () => {
      const others = base.filter((o) => !(o.kind === 'HorizontalPodAutoscaler' && nameOf(o) === 'issuer'));
      expect(scalingProblems(issuer, others)).toEqual(['no HorizontalPodAutoscaler targets it']);
      const singleton = patched({ metadata: { annotations: { 'latchkey.io/singleton': 'why' } } });
      expect(scalingProblems(singleton, base)).toEqual(
        expect.arrayContaining(['singleton with an HPA', 'singleton with a PDB', 'singleton without Recreate']),
      );
    });

    it('report a variable no service reads and a secret in a ConfigMap', () => {
      const config = ofKind(base, 'ConfigMap').find((c) => nameOf(c) === 'latchkey-config') as K8sObject;
      const typo = strategicMerge(config, { data: { LATCHKEY_ISUER_URL: 'http://x' } }) as K8sObject;
      expect(environmentProblems([typo])).toEqual(['ConfigMap latchkey-config sets LATCHKEY_ISUER_URL, which no service reads']);
      const leaked = strategicMerge(config, { data: { LATCHKEY_AUDIT_SIGNING_KEY: '{}' } }) as K8sObject;
      expect(environmentProblems([leaked])).toEqual(['ConfigMap latchkey-config holds the secret LATCHKEY_AUDIT_SIGNING_KEY']);
    });

    it('report a Deployment that reads another service’s key Secret, a secret from the wrong Secret, and a shared key Secret', () => {
      const keyFrom = (name: string, variable = 'LATCHKEY_ISSUER_RBAC_KEY'): unknown =>
        container({ env: [{ name: variable, valueFrom: { secretKeyRef: { name, key: variable } } }] });
      const workloads = workloadsOf(base).filter((w) => nameOf(w) !== 'issuer');
      expect(keySecretReadProblems([...workloads, patched(keyFrom('latchkey-face-api-rbac-key'))])).toEqual([
        'issuer reads latchkey-face-api-rbac-key, the face-api service’s key Secret',
        'issuer does not take LATCHKEY_ISSUER_RBAC_KEY from its own Secret latchkey-issuer-rbac-key (required)',
        'latchkey-face-api-rbac-key is read by face-api, issuer',
      ]);
      const derivesKeys = patched(container({ envFrom: [{ secretRef: { name: 'latchkey-rbac-service-key-secret' } }] }));
      expect(keySecretReadProblems([...workloads, derivesKeys])).toEqual([
        'issuer reads latchkey-rbac-service-key-secret, the rbac service’s key Secret',
        'latchkey-rbac-service-key-secret is read by rbac, issuer',
      ]);
      expect(environmentProblems([patched(keyFrom('latchkey-secrets'))])).toEqual([
        'issuer: LATCHKEY_ISSUER_RBAC_KEY not from latchkey-issuer-rbac-key',
      ]);
      const shared = generatedKubernetesSecrets().map((s) => {
        const { LATCHKEY_ISSUER_RBAC_KEY: issuerKey, ...rest } = s.stringData;
        return s.metadata.name === 'latchkey-secrets'
          ? { ...s, stringData: { ...rest, LATCHKEY_ISSUER_RBAC_KEY: String(issuerKey) } }
          : { ...s, stringData: rest };
      });
      expect(keySecretProblems(shared)).toEqual([
        expect.stringMatching(/^Secret latchkey-secrets holds the issuer service’s LATCHKEY_ISSUER_RBAC_KEY and /),
      ]);
    });

    it('report an unknown kind and an invalid object', () => {
      const [unknown, invalid] = modelProblems([
        { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 'two' } },
      ]);
      expect(unknown).toEqual(['unknown kind example.com/v1 Widget']);
      expect(invalid.join(' ')).toMatch(/replicas must be integer/);
    });

    it('refuse a kustomize feature the test kustomize does not implement', () => {
      expect(() => kustomize(join(__dirname, 'fixtures/kustomize-unsupported'))).toThrow(/not supported.*namePrefix/);
    });
  });
});

const SECRET = /(_KEY|_SECRET|PASSWORD|DATABASE_URL)$/;

/** What a workload lacks of the container hardening and health checking every pod must have. */
function workloadProblems(workload: K8sObject, service: boolean): string[] {
  const pod = podSpec(workload);
  const problems: string[] = [];
  if (record(pod['securityContext'])['runAsNonRoot'] !== true) problems.push('pod may run as root');
  const tmp = list(pod['volumes'])
    .map(record)
    .find((v) => v['emptyDir'] !== undefined);
  for (const c of [...containers(workload), ...initContainers(workload)]) {
    const name = String(c['name']);
    const isMain = containers(workload).includes(c);
    if (service && isMain) for (const probe of ['readinessProbe', 'livenessProbe']) if (c[probe] === undefined) problems.push(`${name}: no ${probe}`);
    if (service && isMain) {
      const paths = [record(record(c['readinessProbe'])['httpGet'])['path'], record(record(c['livenessProbe'])['httpGet'])['path']];
      if (c['readinessProbe'] !== undefined && c['livenessProbe'] !== undefined && (paths[0] !== '/readyz' || paths[1] !== '/healthz'))
        problems.push(`${name}: probes ${paths.join(', ')}`);
    }
    const resources = record(c['resources']);
    for (const kind of ['requests', 'limits']) {
      const r = record(resources[kind]);
      if (r['cpu'] === undefined || r['memory'] === undefined) problems.push(`${name}: no ${kind}`);
    }
    const security = record(c['securityContext']);
    if (security['readOnlyRootFilesystem'] !== true) problems.push(`${name}: root filesystem writable`);
    if (security['allowPrivilegeEscalation'] !== false) problems.push(`${name}: privilege escalation allowed`);
    if (JSON.stringify(record(security['capabilities'])['drop']) !== '["ALL"]') problems.push(`${name}: capabilities kept`);
    const mountsTmp = list(c['volumeMounts'])
      .map(record)
      .some((m) => m['mountPath'] === '/tmp' && m['name'] === tmp?.['name']);
    if (isMain && !mountsTmp) problems.push(`${name}: no emptyDir on /tmp`);
  }
  return problems;
}

/**
 * A spool holds served uses whose events the bus has not acknowledged: it must
 * outlive the pod, so a spooling service is a StatefulSet whose
 * LATCHKEY_SPOOL_DIR is a mount of one of its volumeClaimTemplates. A
 * StatefulSet for anything else would only slow its rollouts.
 */
function spoolProblems(workload: K8sObject): string[] {
  const spools = SPOOLING.includes(nameOf(workload));
  if (!spools) return workload.kind === 'StatefulSet' ? ['a StatefulSet that keeps no spool'] : [];
  if (workload.kind !== 'StatefulSet') return ['spools but is not a StatefulSet'];
  const [main] = containers(workload);
  const dir = list(main?.['env'])
    .map(record)
    .find((e) => e['name'] === 'LATCHKEY_SPOOL_DIR')?.['value'];
  if (typeof dir !== 'string') return ['no LATCHKEY_SPOOL_DIR: the spool would be on scratch space under LATCHKEY_DATA_DIR'];
  const claims = list(record(workload['spec'])['volumeClaimTemplates']).map((t) => String(record(record(t)['metadata'])['name']));
  const mount = list(main?.['volumeMounts'])
    .map(record)
    .find((m) => m['mountPath'] === dir);
  return mount !== undefined && claims.includes(String(mount['name'])) ? [] : [`LATCHKEY_SPOOL_DIR ${dir} is not on a volumeClaimTemplate`];
}

/** Replicated Deployments need an HPA and a PDB selecting them; singletons must not scale. */
function scalingProblems(d: K8sObject, objects: K8sObject[]): string[] {
  const hpas = ofKind(objects, 'HorizontalPodAutoscaler').filter((h) => {
    const ref = record(record(h['spec'])['scaleTargetRef']);
    return ref['kind'] === d.kind && ref['name'] === nameOf(d) && ref['apiVersion'] === 'apps/v1';
  });
  const pdbs = ofKind(objects, 'PodDisruptionBudget').filter((p) =>
    labelsMatch(record(record(record(p['spec'])['selector'])['matchLabels']), templateLabels(d)),
  );
  const spec = record(d['spec']);
  if (isSingleton(d)) {
    const problems: string[] = [];
    if (spec['replicas'] !== 1) problems.push('singleton with replicas ≠ 1');
    if (hpas.length > 0) problems.push('singleton with an HPA');
    if (pdbs.length > 0) problems.push('singleton with a PDB');
    if (d.kind !== 'Deployment' || record(spec['strategy'])['type'] !== 'Recreate') problems.push('singleton without Recreate');
    return problems;
  }
  const problems: string[] = [];
  if (hpas.length !== 1) problems.push(hpas.length === 0 ? 'no HorizontalPodAutoscaler targets it' : 'several HPAs target it');
  if (pdbs.length !== 1) problems.push(pdbs.length === 0 ? 'no PodDisruptionBudget selects it' : 'several PDBs select it');
  for (const h of hpas) if (Number(record(h['spec'])['minReplicas'] ?? 1) < 1) problems.push('HPA minimum below 1');
  return problems;
}

/** Variables set on the services (their ConfigMap and env) that no service reads, and secrets outside a Secret. */
function environmentProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const config = ofKind(objects, 'ConfigMap').find((c) => nameOf(c) === 'latchkey-config');
  for (const key of Object.keys(record(config?.['data']))) {
    if (!variables.has(key)) problems.push(`ConfigMap latchkey-config sets ${key}, which no service reads`);
    else if (SECRET.test(key)) problems.push(`ConfigMap latchkey-config holds the secret ${key}`);
  }
  for (const d of workloadsOf(objects)) {
    for (const c of containers(d)) {
      for (const env of list(c['env']).map(record)) {
        const name = String(env['name']);
        if (!variables.has(name)) problems.push(`${nameOf(d)} sets ${name}, which no service reads`);
        const secret = generateEnv.kubernetesSecretOf(name);
        if (SECRET.test(name) && record(record(env['valueFrom'])['secretKeyRef'])['name'] !== secret)
          problems.push(`${nameOf(d)}: ${name} not from ${secret}`);
      }
    }
  }
  return problems;
}
