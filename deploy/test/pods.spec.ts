import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PORTS } from '@latchkey/config';
import { DEPLOY_ROOT } from './support/deploy-files';
import { kustomize, type K8sObject } from './support/kustomize';
import { EXAMPLE_DATABASE_URL, generateEnv } from './support/service-keys';

// deploy/scripts/lib/pods.mjs plays a kubelet for k8s-smoke.sh: it must resolve every reference of the
// overlays exactly as Kubernetes would, or refuse. Run as a process (it is an ES module), as the script runs it.

interface Pod {
  workload: string;
  kind: string;
  container: string;
  images: string[];
  init: string[][];
  main: string[];
  readiness?: { path: string; port: number };
  grace: number;
}

/** `secret`: every value by name, split into the Secrets the operator creates (generate-env.js --format k8s). */
function plan(objects: unknown[], secret: Record<string, string>): { status: number | null; pods: Pod[]; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pods-'));
  try {
    writeFileSync(join(dir, 'objects.yaml'), objects.map((o) => JSON.stringify(o)).join('\n---\n'));
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify(generateEnv.kubernetesSecrets(secret)));
    const run = spawnSync('node', [join(DEPLOY_ROOT, 'scripts/lib/pods.mjs'), join(dir, 'objects.yaml'), join(dir, 'secrets.json'), 'lk', dir], {
      encoding: 'utf8',
    });
    return { status: run.status, pods: run.status === 0 ? (JSON.parse(run.stdout) as Pod[]) : [], stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The value of a `-e NAME=value` of a container's arguments. */
const envOf = (args: string[], name: string): string | undefined =>
  args.flatMap((arg, i) => (args[i - 1] === '-e' && arg.startsWith(`${name}=`) ? [arg.slice(name.length + 1)] : []))[0];
const optionOf = (args: string[], option: string): string[] => args.flatMap((arg, i) => (args[i - 1] === option ? [arg] : []));

const secret: Record<string, string> = { ...generateEnv.secrets(), DATABASE_URL: EXAMPLE_DATABASE_URL };

describe.each(['overlays/dev', 'overlays/production'])('the pods of %s, as k8s-smoke.sh starts them (lib/pods.mjs)', (overlay) => {
  const objects = kustomize(join(DEPLOY_ROOT, 'k8s', overlay));
  const result = plan(objects, secret);
  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind));

  it('resolve every ConfigMap and Secret reference with the Secrets and keys generate-env.js makes plus DATABASE_URL', () => {
    expect([result.status, result.stderr]).toEqual([0, '']);
  });

  it('start every replica of every workload, and the Job, each with its readiness probe on the service port', () => {
    const replicas = workloads.reduce((sum, w) => sum + Number((w['spec'] as { replicas?: number }).replicas ?? 1), 0);
    expect(result.pods.filter((p) => p.kind !== 'Job')).toHaveLength(replicas);
    expect(result.pods.filter((p) => p.kind === 'Job').map((p) => p.workload)).toEqual(['kafka-topics']);
    for (const pod of result.pods.filter((p) => p.kind !== 'Job')) {
      expect([pod.workload, pod.readiness]).toEqual([
        pod.workload,
        { path: '/readyz', port: DEFAULT_PORTS[pod.workload as keyof typeof DEFAULT_PORTS] },
      ]);
      expect(pod.init).toHaveLength(1);
    }
  });

  it('run every container as uid 1000 with a read-only root, no capabilities, no privilege escalation, a memory limit and only the manifest probes', () => {
    for (const args of result.pods.flatMap((p) => [p.main, ...p.init])) {
      expect(optionOf(args, '--user')).toEqual(['1000:1000']);
      expect(args).toContain('--read-only');
      expect(args).toContain('--no-healthcheck');
      expect(optionOf(args, '--cap-drop')).toEqual(['ALL']);
      expect(optionOf(args, '--security-opt')).toEqual(['no-new-privileges']);
      expect(optionOf(args, '--memory')).toHaveLength(1);
    }
  });

  it('give each face-api replica its own spool claim and the DNS names of its Services and headless Service', () => {
    const faceApis = result.pods.filter((p) => p.workload === 'face-api');
    expect(faceApis.length).toBeGreaterThanOrEqual(2);
    faceApis.forEach((pod, ordinal) => {
      expect(optionOf(pod.main, '-v')).toEqual([`lk-spool-face-api-${ordinal}:/var/lib/latchkey/spool`]);
      expect(optionOf(pod.main, '--network-alias').sort()).toEqual(['face-api', `face-api-${ordinal}.face-api-pods`, 'face-api-pods']);
      expect(envOf(pod.main, 'LATCHKEY_SPOOL_DIR')).toBe('/var/lib/latchkey/spool');
    });
  });
});

describe('lib/pods.mjs resolves as a kubelet does', () => {
  const objects = kustomize(join(DEPLOY_ROOT, 'k8s', 'overlays/dev'));

  it('refuses a pod whose Secret lacks a key it requires (CreateContainerConfigError), naming it', () => {
    const { DATABASE_URL: _omitted, ...withoutDatabase } = secret;
    const result = plan(objects, withoutDatabase);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/DATABASE_URL: secret latchkey-secrets has no key DATABASE_URL/);
  });

  it('refuses a pod whose own key Secret does not exist (an upgrade that did not create it), naming the Secret', () => {
    const { LATCHKEY_TESTAPI_RBAC_KEY: _omitted, ...withoutKey } = secret;
    const result = plan(objects, withoutKey);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/testapi.*: secret latchkey-testapi-rbac-key does not exist/);
  });

  it('lets env override envFrom, turns limits into docker units and mounts a configMap volume read-only', () => {
    const config: K8sObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { A: 'from-config', B: 'kept', 'f.conf': 'x' },
    };
    const deployment: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'demo' },
      spec: {
        template: {
          metadata: { labels: { app: 'demo' } },
          spec: {
            volumes: [{ name: 'conf', configMap: { name: 'settings' } }],
            containers: [
              {
                name: 'demo',
                image: 'demo:1',
                envFrom: [{ configMapRef: { name: 'settings' } }],
                env: [
                  { name: 'A', value: 'from-env' },
                  { name: 'C', valueFrom: { secretKeyRef: { name: 'latchkey-secrets', key: 'nope', optional: true } } },
                ],
                resources: { limits: { memory: '1Gi', cpu: '250m' } },
                volumeMounts: [{ name: 'conf', mountPath: '/conf' }],
              },
            ],
          },
        },
      },
    };
    const [pod] = plan([config, deployment], secret).pods;
    expect(envOf(pod.main, 'A')).toBe('from-env');
    expect(envOf(pod.main, 'B')).toBe('kept');
    expect(envOf(pod.main, 'C')).toBeUndefined();
    expect([optionOf(pod.main, '--memory'), optionOf(pod.main, '--cpus')]).toEqual([[String(2 ** 30)], ['0.25']]);
    expect(optionOf(pod.main, '-v')[0]).toMatch(/configmaps\/settings:\/conf:ro$/);
    expect(pod.main.at(-1)).toBe('demo:1');
  });
});
