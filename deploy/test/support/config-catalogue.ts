import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './deploy-files';

/** Slices read only by the standalone launcher (`npm start`), never by a service the image runs. */
const LAUNCHER_ONLY_SLICES = new Set(['standalone-dev-idp']);

/**
 * The variables the services read: the rows of docs/CONFIG.md, which is
 * generated from the config slices' zod schemas and checked for staleness by
 * `npm test`, less the launcher-only ones.
 */
export function serviceVariables(markdown = readFileSync(join(WORKSPACE_ROOT, 'docs/CONFIG.md'), 'utf8')): Set<string> {
  const variables = new Set<string>();
  for (const line of markdown.split('\n')) {
    const match = /^\| `([A-Z][A-Z0-9_]*)` \|/.exec(line);
    if (!match) continue;
    const slice = line.trim().replace(/\|$/, '').split('|').at(-1)?.trim() ?? '';
    if (!LAUNCHER_ONLY_SLICES.has(slice)) variables.add(match[1]);
  }
  return variables;
}
