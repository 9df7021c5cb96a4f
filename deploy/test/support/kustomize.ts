import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { list, record } from './deploy-files';

/**
 * The subset of kustomize that deploy/k8s uses, so that the tests can build
 * every overlay without a kustomize binary: `resources` (files and
 * directories with a kustomization), `namespace`, `images`,
 * `configMapGenerator` (files and literals, behavior create) with
 * `generatorOptions.disableNameSuffixHash: true`, and `patches` given by path
 * as strategic-merge patches (maps merge, lists of named items merge by
 * `name`, other lists are replaced, `null` deletes). Anything else in a
 * kustomization throws, so a feature used without support here cannot pass
 * silently. k8s.spec.ts compares the result with `kubectl kustomize` where
 * kubectl is installed.
 */
export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: Record<string, unknown> };

const SUPPORTED_KEYS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'configMapGenerator', 'generatorOptions', 'patches']);

/** Every YAML document of a file, as objects. */
export function readManifests(file: string): K8sObject[] {
  return parseManifests(readFileSync(file, 'utf8'), file);
}

/** Every YAML document of a text, as objects (`origin` names it in errors). */
export function parseManifests(text: string, origin: string): K8sObject[] {
  return parseAllDocuments(text, { uniqueKeys: true })
    .map((doc) => {
      if ('errors' in doc && doc.errors.length > 0) throw new Error(`${origin}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as unknown;
    })
    .filter((value) => value !== null && value !== undefined)
    .map((value) => value as K8sObject);
}

/** The kustomization of a directory, parsed. */
export function readKustomization(dir: string): Record<string, unknown> {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir} has no kustomization.yaml`);
  const [kustomization] = readManifests(file);
  return record(kustomization);
}

/** Every file or directory a kustomization names (resources, patches, generator files), as absolute paths. */
export function referencedPaths(dir: string): string[] {
  const k = readKustomization(dir);
  const resources = list(k['resources']).map((r) => join(dir, String(r)));
  const patches = list(k['patches']).map((p) => join(dir, String(record(p)['path'])));
  const files = list(k['configMapGenerator']).flatMap((g) => list(record(g)['files']).map((f) => join(dir, fileOf(String(f)))));
  return [...resources, ...patches, ...files];
}

/** `key=path` or `path` in a generator's file list. */
function fileOf(entry: string): string {
  return entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : entry;
}

function keyOf(entry: string): string {
  return entry.includes('=') ? entry.slice(0, entry.indexOf('=')) : basename(entry);
}

/** The objects a kustomization directory produces. */
export function kustomize(dir: string): K8sObject[] {
  const k = readKustomization(dir);
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED_KEYS.has(key));
  if (unsupported.length > 0) throw new Error(`${dir}: kustomization keys not supported by the test's kustomize: ${unsupported.join(', ')}`);

  let objects = list(k['resources']).flatMap((entry) => {
    const path = join(dir, String(entry));
    if (!existsSync(path)) throw new Error(`${dir}: resource ${String(entry)} does not exist`);
    return statSync(path).isDirectory() ? kustomize(path) : readManifests(path);
  });
  objects = [...objects, ...generateConfigMaps(dir, k)];
  for (const patch of list(k['patches'])) objects = applyPatchFile(dir, objects, record(patch));
  objects = setImages(objects, list(k['images']).map(record));
  const namespace = k['namespace'];
  if (typeof namespace === 'string') objects = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }));
  return objects;
}

function generateConfigMaps(dir: string, k: Record<string, unknown>): K8sObject[] {
  const generators = list(k['configMapGenerator']).map(record);
  if (generators.length === 0) return [];
  if (record(k['generatorOptions'])['disableNameSuffixHash'] !== true) {
    throw new Error(`${dir}: configMapGenerator without generatorOptions.disableNameSuffixHash: true is not supported by the test's kustomize`);
  }
  return generators.map((g) => {
    if (g['behavior'] !== undefined && g['behavior'] !== 'create')
      throw new Error(`${dir}: configMapGenerator behavior ${String(g['behavior'])} not supported`);
    const data: Record<string, string> = {};
    for (const entry of list(g['files']).map(String)) data[keyOf(entry)] = readFileSync(join(dir, fileOf(entry)), 'utf8');
    for (const literal of list(g['literals']).map(String)) data[literal.slice(0, literal.indexOf('='))] = literal.slice(literal.indexOf('=') + 1);
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: String(g['name']) }, data };
  });
}

function applyPatchFile(dir: string, objects: K8sObject[], patch: Record<string, unknown>): K8sObject[] {
  if (typeof patch['path'] !== 'string' || patch['target'] !== undefined || patch['patch'] !== undefined) {
    throw new Error(`${dir}: only strategic-merge patches given by path are supported`);
  }
  let result = objects;
  for (const document of readManifests(join(dir, patch['path']))) {
    const name = document.metadata?.['name'];
    const index = result.findIndex((o) => o.kind === document.kind && o.apiVersion === document.apiVersion && o.metadata['name'] === name);
    if (index < 0) throw new Error(`${dir}/${patch['path']}: no ${document.apiVersion} ${document.kind} named ${String(name)} to patch`);
    result = result.map((o, i) => (i === index ? (strategicMerge(o, document) as K8sObject) : o));
  }
  return result;
}

/** A strategic-merge patch over plain data (no $patch directives). */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch)) return mergeLists(base, patch);
  if (!isMap(base) || !isMap(patch)) return patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = key in base ? strategicMerge(base[key], value) : value;
  }
  return merged;
}

function mergeLists(base: unknown[], patch: unknown[]): unknown[] {
  const named = (items: unknown[]): boolean => items.length > 0 && items.every((item) => isMap(item) && typeof item['name'] === 'string');
  if (!named(base) || !named(patch)) return patch;
  const merged = [...base];
  for (const item of patch as Record<string, unknown>[]) {
    const at = merged.findIndex((b) => (b as Record<string, unknown>)['name'] === item['name']);
    if (at < 0) merged.push(item);
    else merged[at] = strategicMerge(merged[at], item);
  }
  return merged;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setImages(objects: K8sObject[], images: Record<string, unknown>[]): K8sObject[] {
  if (images.length === 0) return objects;
  const rewrite = (image: string): string => {
    const [name, tag] = splitImage(image);
    const rule = images.find((i) => i['name'] === name);
    if (!rule) return image;
    const newName = typeof rule['newName'] === 'string' ? rule['newName'] : name;
    if (typeof rule['digest'] === 'string') return `${newName}@${rule['digest']}`;
    const newTag = rule['newTag'] !== undefined ? String(rule['newTag']) : tag;
    return newTag === undefined ? newName : `${newName}:${newTag}`;
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!isMap(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value))
      out[key] = (key === 'containers' || key === 'initContainers') && Array.isArray(v) ? v.map(withImage) : walk(v);
    return out;
  };
  const withImage = (container: unknown): unknown => {
    const c = record(container);
    return typeof c['image'] === 'string' ? { ...c, image: rewrite(c['image']) } : c;
  };
  return objects.map((o) => walk(o) as K8sObject);
}

/** `registry:5000/a/b:tag` → [`registry:5000/a/b`, `tag`]. */
export function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
}
