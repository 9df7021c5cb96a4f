// Turns the objects of a kustomize build into `docker run` arguments, for k8s-smoke.sh: each Job, Deployment
// and StatefulSet pod as containers on one network, the way a kubelet would start them for the fields these
// manifests use. Written by hand because no tool of the field does this offline: kompose goes the other way,
// and kind, k3s and minikube need images and binaries no registry here serves.
//
//   node pods.mjs <objects.yaml> <secrets.json> <prefix> <work dir>   # prints the plan as JSON
//
// <secrets.json> holds the Secrets as the operator creates them (generate-env.js --format k8s: a List of
// Secrets with stringData; YAML documents and base64 `data` are read too).
//
// Resolved as a kubelet does: env over envFrom; configMapKeyRef and secretKeyRef (optional ones may be
// missing; any other missing name or key is an error, as a pod stuck in CreateContainerConfigError would
// be); named container ports; pod and container securityContext (user, read-only root, capabilities,
// no privilege escalation; runAsNonRoot refuses uid 0); resource limits; emptyDir volumes (tmpfs with
// their sizeLimit), configMap volumes (files written under <work dir>) and a StatefulSet's claims (one
// named volume per ordinal). Services become network aliases of the pods they select, a headless
// Service's pods also `<pod>.<service>`. Not played: scheduling, requests, liveness restarts, HPAs, PDBs,
// rollouts, fsGroup, seccomp profiles other than the engine's default.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Docker's --memory value of a Kubernetes quantity (binary and decimal suffixes). */
export function memoryBytes(quantity) {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity));
  if (!match) throw new Error(`unsupported memory quantity ${quantity}`);
  const factor =
    {
      Ki: 2 ** 10,
      Mi: 2 ** 20,
      Gi: 2 ** 30,
      Ti: 2 ** 40,
      k: 1e3,
      M: 1e6,
      G: 1e9,
      T: 1e12,
    }[match[2]] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

/** Docker's --cpus value of a Kubernetes CPU quantity ("2", "500m"). */
export function cpus(quantity) {
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

/** Secret name → its keys and values, from Secret objects (a List's items included), as the API server would hold them. */
export function secretData(objects) {
  const secrets = new Map();
  for (const object of objects.flatMap((o) => (o.kind === 'List' ? o.items : [o]))) {
    if (object.kind !== 'Secret') continue;
    const data = Object.fromEntries(Object.entries(object.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
    secrets.set(object.metadata.name, { ...data, ...object.stringData });
  }
  return secrets;
}

const matches = (selector, labels) => Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);

/** The environment of one container, or throws naming the first reference that does not resolve. */
export function environment(container, { configMaps, secrets }, where) {
  const env = new Map();
  const source = (ref, kind) => {
    const data = kind === 'configMap' ? configMaps.get(ref.name) : secrets.get(ref.name);
    if (!data && !ref.optional) throw new Error(`${where}: ${kind} ${ref.name} does not exist`);
    return data;
  };
  for (const from of container.envFrom ?? []) {
    const [kind, ref] = from.configMapRef ? ['configMap', from.configMapRef] : ['secret', from.secretRef];
    for (const [key, value] of Object.entries(source(ref, kind) ?? {})) env.set(`${from.prefix ?? ''}${key}`, String(value));
  }
  for (const variable of container.env ?? []) {
    if ('value' in variable) {
      env.set(variable.name, String(variable.value));
      continue;
    }
    const keyRef = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
    if (!keyRef) throw new Error(`${where}: ${variable.name} uses a valueFrom this runner does not play`);
    const kind = variable.valueFrom.configMapKeyRef ? 'configMap' : 'secret';
    const data = source(keyRef, kind);
    if (data && keyRef.key in data) env.set(variable.name, String(data[keyRef.key]));
    else if (!keyRef.optional) throw new Error(`${where}: ${variable.name}: ${kind} ${keyRef.name} has no key ${keyRef.key}`);
  }
  return env;
}

/** `docker run` arguments (without `run` and the image's arguments) of one container of a pod. */
function containerArgs(pod, container, context) {
  const { podName, hostname, aliases, network, volumes, where } = context;
  const security = { ...pod.securityContext, ...container.securityContext };
  // A kubelet runs the probes of the manifest, never the image's HEALTHCHECK.
  const args = [
    '--name',
    podName + (context.suffix ?? ''),
    '--network',
    network,
    '--label',
    `io.latchkey.k8s-smoke=${context.prefix}`,
    '--no-healthcheck',
  ];
  if (hostname) args.push('--hostname', hostname);
  for (const alias of aliases ?? []) args.push('--network-alias', alias);
  if (security.runAsUser !== undefined) args.push('--user', `${security.runAsUser}:${security.runAsGroup ?? security.runAsUser}`);
  if (security.runAsNonRoot && security.runAsUser === 0) throw new Error(`${where}: runAsNonRoot with runAsUser 0`);
  if (security.readOnlyRootFilesystem) args.push('--read-only');
  for (const cap of security.capabilities?.drop ?? []) args.push('--cap-drop', cap);
  for (const cap of security.capabilities?.add ?? []) args.push('--cap-add', cap);
  if (security.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
  const limits = container.resources?.limits ?? {};
  if (limits.memory) args.push('--memory', String(memoryBytes(limits.memory)));
  if (limits.cpu) args.push('--cpus', String(cpus(limits.cpu)));
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume) throw new Error(`${where}: volumeMount ${mount.name} names no volume`);
    if (volume.tmpfs) args.push('--tmpfs', `${mount.mountPath}:rw,mode=1777${volume.size ? `,size=${volume.size}` : ''}`);
    else args.push('-v', `${volume.source}:${mount.mountPath}${mount.readOnly || volume.readOnly ? ':ro' : ''}`);
  }
  for (const [name, value] of environment(container, context, where)) args.push('-e', `${name}=${value}`);
  if (container.command) args.push('--entrypoint', container.command[0]);
  args.push(container.image, ...(container.command?.slice(1) ?? []), ...(container.args ?? []));
  return args;
}

/** The volumes of a pod: emptyDir as tmpfs, configMap as a folder of files, claims as named volumes. */
function podVolumes(pod, { configMaps, workDir, claimVolume }, where) {
  const volumes = new Map();
  for (const volume of pod.volumes ?? []) {
    if (volume.emptyDir)
      volumes.set(volume.name, {
        tmpfs: true,
        size: volume.emptyDir.sizeLimit ? memoryBytes(volume.emptyDir.sizeLimit) : undefined,
      });
    else if (volume.configMap) {
      const data = configMaps.get(volume.configMap.name);
      if (!data) throw new Error(`${where}: volume ${volume.name}: configMap ${volume.configMap.name} does not exist`);
      const dir = join(workDir, 'configmaps', volume.configMap.name);
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of Object.entries(data)) writeFileSync(join(dir, file), text, { mode: 0o644 });
      volumes.set(volume.name, { source: dir, readOnly: true });
    } else throw new Error(`${where}: volume ${volume.name} is of a kind this runner does not play`);
  }
  for (const [name, source] of claimVolume ?? []) volumes.set(name, { source });
  return volumes;
}

/** A named container port, or a number. */
function portOf(container, port) {
  if (typeof port === 'number') return port;
  const found = (container.ports ?? []).find((p) => p.name === port);
  if (!found) throw new Error(`container ${container.name}: no port named ${port}`);
  return found.containerPort;
}

/**
 * The plan: for each Job and for each replica of each Deployment and StatefulSet, its init containers (run
 * to completion, in order) and its one main container (detached), with the readiness probe to wait for.
 */
export function plan(objects, { secrets, prefix, workDir }) {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]));
  const services = objects.filter((o) => o.kind === 'Service');
  const context = { configMaps, secrets, prefix, network: prefix, workDir };
  const pods = [];
  for (const object of objects) {
    if (!['Job', 'Deployment', 'StatefulSet'].includes(object.kind)) continue;
    const name = object.metadata.name;
    const template = object.spec.template;
    const spec = template.spec;
    const replicas = object.kind === 'Job' ? 1 : (object.spec.replicas ?? 1);
    if (spec.containers.length !== 1) throw new Error(`${object.kind} ${name}: one container per pod is what this runner plays`);
    for (let ordinal = 0; ordinal < replicas; ordinal += 1) {
      const podName = `${prefix}-${name}-${ordinal}`;
      const where = `${object.kind} ${name}`;
      const selecting = services.filter((s) => s.spec.selector && matches(s.spec.selector, template.metadata.labels));
      const aliases = selecting.map((s) => s.metadata.name);
      if (object.kind === 'StatefulSet') aliases.push(`${name}-${ordinal}.${object.spec.serviceName}`);
      const claimVolume = (object.spec.volumeClaimTemplates ?? []).map((claim) => [
        claim.metadata.name,
        `${prefix}-${claim.metadata.name}-${name}-${ordinal}`,
      ]);
      const volumes = podVolumes(spec, { ...context, claimVolume }, where);
      const pod = { ...context, podName, volumes, where, prefix };
      const main = spec.containers[0];
      const probe = main.readinessProbe?.httpGet;
      pods.push({
        workload: name,
        kind: object.kind,
        ordinal,
        images: [...new Set([...(spec.initContainers ?? []), main].map((c) => c.image))],
        container: podName,
        grace: spec.terminationGracePeriodSeconds ?? 30,
        init: (spec.initContainers ?? []).map((c, i) => containerArgs(spec, c, { ...pod, suffix: `-init-${i}` })),
        main: containerArgs(spec, main, {
          ...pod,
          hostname: object.kind === 'StatefulSet' ? `${name}-${ordinal}` : undefined,
          aliases,
        }),
        readiness: probe ? { path: probe.path, port: portOf(main, probe.port) } : undefined,
        backoffLimit: object.kind === 'Job' ? (object.spec.backoffLimit ?? 6) : undefined,
      });
    }
  }
  return pods;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [objectsFile, secretsFile, prefix, workDir] = process.argv.slice(2);
  const objects = parseAllDocuments(readFileSync(objectsFile, 'utf8'))
    .map((doc) => doc.toJS())
    .filter(Boolean);
  const secrets = secretData(
    parseAllDocuments(readFileSync(secretsFile, 'utf8'))
      .map((doc) => doc.toJS())
      .filter(Boolean),
  );
  try {
    process.stdout.write(`${JSON.stringify(plan(objects, { secrets, prefix, workDir }), null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`pods.mjs: ${error.message}\n`);
    process.exit(1);
  }
}
