// Validates Kubernetes objects with kubernetes-models, in a process of its own because the
// package is ESM-only and the deploy tests run under CommonJS jest. Reads a JSON array of objects
// on stdin; writes a JSON array of problem lists, one per object (empty: valid). An apiVersion/kind
// that kubernetes-models has no model class for is a problem, never a pass.
import { readFileSync } from 'node:fs';

async function problemsOf(object) {
  const { apiVersion, kind } = object ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9.\-/]+$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) {
    return ['no apiVersion/kind'];
  }
  let Model;
  try {
    Model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
  } catch {
    return [`unknown kind ${apiVersion} ${kind}`];
  }
  if (typeof Model !== 'function' || Model.apiVersion !== apiVersion || Model.kind !== kind) return [`unknown kind ${apiVersion} ${kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [String(error.message ?? error)];
  }
}

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) results.push(await problemsOf(object));
process.stdout.write(JSON.stringify(results));
