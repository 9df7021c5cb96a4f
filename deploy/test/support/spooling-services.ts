import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './deploy-files';

/**
 * The services that keep a local spool of events the bus did not acknowledge
 * (`SpoolModule.forService('<name>')` in their modules). Read from the source,
 * so a service that starts spooling is held to the durable-disk rule of the
 * manifests without anyone remembering to list it.
 */
export function spoolingServices(root = join(WORKSPACE_ROOT, 'libs')): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.module.ts'))
        for (const match of readFileSync(path, 'utf8').matchAll(/SpoolModule\.forService\(\s*'([a-z-]+)'/g)) found.add(match[1]);
    }
  };
  walk(root);
  return [...found].sort();
}
