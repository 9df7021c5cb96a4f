import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

/** The deploy/ folder (this project's root). */
export const DEPLOY_ROOT = join(__dirname, '..', '..');
/** The workspace root. */
export const WORKSPACE_ROOT = join(DEPLOY_ROOT, '..');

/** Every file under deploy/ whose name ends with one of `extensions`, as paths relative to deploy/. */
export function deployFiles(...extensions: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (extensions.some((ext) => entry.name.endsWith(ext))) found.push(relative(DEPLOY_ROOT, path));
    }
  };
  walk(DEPLOY_ROOT);
  return found.sort();
}

/** The text of a file under deploy/. */
export function readDeployFile(path: string): string {
  return readFileSync(join(DEPLOY_ROOT, path), 'utf8');
}

/** Parse errors of a YAML text (every document of it), strictly: duplicate keys count. */
export function yamlErrors(text: string): string[] {
  return parseAllDocuments(text, { uniqueKeys: true }).flatMap((doc) =>
    'errors' in doc ? [...doc.errors, ...doc.warnings].map((e) => e.message) : [],
  );
}

/** A YAML file under deploy/, parsed (throws on a syntax error or a duplicate key). */
export function readYaml(path: string): unknown {
  const text = readDeployFile(path);
  const errors = yamlErrors(text);
  if (errors.length > 0) throw new Error(`${path}: ${errors.join('; ')}`);
  return parseYaml(text, { uniqueKeys: true }) as unknown;
}

/** A JSON file under deploy/, parsed. */
export function readJson(path: string): unknown {
  return JSON.parse(readDeployFile(path)) as unknown;
}

/** A plain object (YAML mapping, JSON object), or an empty one for anything else. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** An array, or an empty one for anything else. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
