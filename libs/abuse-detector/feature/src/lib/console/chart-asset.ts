import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Finds chart.js's browser build (`dist/chart.umd.min.js`) in node_modules.
 * Resolved at run time from the working directory and the main script,
 * never through this module's own `require`: the service is bundled by
 * webpack with node_modules external, where a bundled `require.resolve`
 * would answer a module id, not a path. chart.js exports neither its
 * package.json nor the UMD file, so its CommonJS entry (`dist/chart.cjs`)
 * is resolved and the UMD file taken beside it.
 * @returns the file's path, or undefined when chart.js is not installed
 */
export function resolveChartJs(bases: readonly (string | undefined)[] = [join(process.cwd(), 'package.json'), process.argv[1]]): string | undefined {
  for (const base of bases) {
    if (!base) continue;
    try {
      return join(dirname(createRequire(base).resolve('chart.js')), 'chart.umd.min.js');
    } catch {
      // Not from this base; try the next.
    }
  }
  return undefined;
}

/** chart.js's browser build, read once; undefined when it cannot be found (the console then shows numbers without charts). */
export function loadChartJs(path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    // The UMD build ends with a source map comment; the map is not served, so drop it rather than have browsers ask for it.
    return Buffer.from(readFileSync(path, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
  } catch {
    return undefined;
  }
}
