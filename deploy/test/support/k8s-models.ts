import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './deploy-files';

/**
 * kubernetes-models' verdict on each object (its JSON schema for the
 * object's apiVersion and kind; an unknown kind is a problem): one list of
 * problems per object, empty when valid. Runs k8s-validate.mjs in a child
 * node, because kubernetes-models is ESM-only.
 */
export function modelProblems(objects: readonly unknown[]): string[][] {
  const out = execFileSync(process.execPath, [join(__dirname, 'k8s-validate.mjs')], {
    cwd: WORKSPACE_ROOT,
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[][];
}
