import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { rbacGuardConfig, serviceKeyVariable } from '@latchkey/access-guards';
import { DEFAULT_PORTS } from '@latchkey/config';
import { DEPLOY_ROOT, list, record } from './deploy-files';
import type { K8sObject } from './kustomize';

/** deploy/compose/generate-env.js: the plain-JavaScript copy of the key derivation, and how it splits the Kubernetes Secrets. */
export const GENERATE_ENV = join(DEPLOY_ROOT, 'compose/generate-env.js');

export interface SecretObject {
  readonly metadata: { readonly name: string };
  readonly stringData: Record<string, string>;
}

export const generateEnv = require(GENERATE_ENV) as {
  GUARDED_SERVICES: readonly string[];
  secrets: () => Record<string, string>;
  serviceKey: (secretBase64: string, service: string) => string;
  kubernetesSecretOf: (variable: string) => string;
  kubernetesSecrets: (values: Record<string, string>) => { items: SecretObject[] };
};

/** The rbac service's own variables: every service key derives from the first. */
export const DERIVATION_VARIABLES = ['LATCHKEY_RBAC_SERVICE_KEY_SECRET', 'LATCHKEY_RBAC_SERVICE_KEY_PREVIOUS_SECRET'];

/** The fake database URL the deploy tests hand to the pods. */
export const EXAMPLE_DATABASE_URL = 'postgres://latchkey:pw@postgres:5432/latchkey';

/**
 * The services with a key towards the rbac service as the TypeScript side knows them: one
 * `LATCHKEY_<SERVICE>_RBAC_KEY` field each in rbacGuardConfig, which every guarded service reads. The rbac
 * service keeps no list (it recomputes the HMAC of whatever name a key carries), so this is the list. A field
 * that names no service the image runs comes back as itself, so that a comparison shows it.
 */
export function keyedServices(): string[] {
  const byVariable = new Map(Object.keys(DEFAULT_PORTS).map((service) => [serviceKeyVariable(service), service]));
  return Object.keys(rbacGuardConfig.shape)
    .filter((variable) => /^LATCHKEY_[A-Z0-9_]+_RBAC_KEY$/.test(variable))
    .map((variable) => byVariable.get(variable) ?? variable);
}

/** The Secrets `generate-env.js --format k8s` prints, run as an operator runs it. */
export function generatedKubernetesSecrets(): SecretObject[] {
  const out = execFileSync(process.execPath, [GENERATE_ENV, '--format', 'k8s'], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: EXAMPLE_DATABASE_URL },
  });
  return (JSON.parse(out) as { items: SecretObject[] }).items;
}

/** Secret name → the one service whose key (or, for rbac, whose derivation secret) it holds. */
export function keySecretOwners(secretOf = generateEnv.kubernetesSecretOf): Map<string, string> {
  return new Map([
    ...keyedServices().map((service) => [secretOf(serviceKeyVariable(service)), service] as const),
    [secretOf(DERIVATION_VARIABLES[0]), 'rbac'] as const,
  ]);
}

/**
 * What is wrong with the Secrets as generated: a service key, or the derivation secret, that shares its
 * Secret with anything of another service. Whoever may read a Secret reads all of its keys (RBAC on Secrets,
 * secret volumes and `kubectl get` cannot select keys), so a shared Secret hands one service the others' keys.
 */
export function keySecretProblems(secrets: readonly SecretObject[]): string[] {
  const problems: string[] = [];
  const owned = [
    ...keyedServices().map((service) => ({ owner: service, variables: [serviceKeyVariable(service)] })),
    { owner: 'rbac', variables: DERIVATION_VARIABLES },
  ];
  for (const { owner, variables } of owned) {
    const holding = secrets.filter((s) => Object.keys(s.stringData).includes(variables[0]));
    if (holding.length !== 1) {
      problems.push(`${variables[0]} is in ${holding.length} Secrets`);
      continue;
    }
    const others = Object.keys(holding[0].stringData).filter((variable) => !variables.includes(variable));
    if (others.length > 0) problems.push(`Secret ${holding[0].metadata.name} holds the ${owner} service’s ${variables[0]} and ${others.join(', ')}`);
  }
  return problems;
}

/** The Secrets a workload's pods can read: env and envFrom of every container, secret and projected volumes. */
export function secretsRead(workload: K8sObject): string[] {
  const pod = record(record(record(workload['spec'])['template'])['spec']);
  const containers = [...list(pod['containers']), ...list(pod['initContainers'])].map(record);
  const names = [
    ...containers.flatMap((c) => list(c['env']).map((e) => record(record(record(e)['valueFrom'])['secretKeyRef'])['name'])),
    ...containers.flatMap((c) => list(c['envFrom']).map((e) => record(record(e)['secretRef'])['name'])),
    ...list(pod['volumes']).flatMap((v) => [
      record(record(v)['secret'])['secretName'],
      ...list(record(record(v)['projected'])['sources']).map((s) => record(record(s)['secret'])['name']),
    ]),
  ];
  return [...new Set(names.filter((name): name is string => typeof name === 'string'))];
}

/**
 * A workload that can read another service's key Secret, a key Secret read by more than its owner, and a
 * keyed service that does not take its own key from its own Secret (required, not optional).
 */
export function keySecretReadProblems(workloads: readonly K8sObject[], owners = keySecretOwners()): string[] {
  const problems: string[] = [];
  const readers = new Map<string, string[]>();
  for (const workload of workloads) {
    const name = String(workload.metadata['name']);
    for (const secret of secretsRead(workload)) {
      const owner = owners.get(secret);
      if (owner === undefined) continue;
      readers.set(secret, [...(readers.get(secret) ?? []), name]);
      if (owner !== name) problems.push(`${name} reads ${secret}, the ${owner} service’s key Secret`);
    }
  }
  for (const [secret, owner] of owners) {
    const variable = owner === 'rbac' ? DERIVATION_VARIABLES[0] : serviceKeyVariable(owner);
    const workload = workloads.find((w) => w.metadata['name'] === owner);
    const env = list(record(record(record(workload?.['spec'])['template'])['spec'])['containers'])
      .flatMap((c) => list(record(c)['env']).map(record))
      .find((e) => e['name'] === variable);
    const ref = record(record(env?.['valueFrom'])['secretKeyRef']);
    if (ref['name'] !== secret || ref['key'] !== variable || ref['optional'] === true)
      problems.push(`${owner} does not take ${variable} from its own Secret ${secret} (required)`);
    if ((readers.get(secret) ?? []).length > 1) problems.push(`${secret} is read by ${readers.get(secret)?.join(', ')}`);
  }
  return problems;
}
