import { list, record } from './deploy-files';

/** A dashboard panel as the tests need it. */
export interface Panel {
  readonly title: string;
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly exprs: string[];
}

/** Every panel of a dashboard that shows data (rows excluded; panels inside collapsed rows included), in reading order: by y, then x. */
export function dataPanels(dashboard: unknown): Panel[] {
  const flat = list(record(dashboard)['panels']).flatMap((p) => [p, ...list(record(p)['panels'])]);
  return flat
    .map(record)
    .filter((p) => p['type'] !== 'row')
    .map((p) => {
      const grid = record(p['gridPos']);
      return {
        title: String(p['title'] ?? ''),
        type: String(p['type'] ?? ''),
        x: Number(grid['x']),
        y: Number(grid['y']),
        exprs: list(p['targets']).map((t) => String(record(t)['expr'] ?? '')),
      };
    })
    .sort((a, b) => a.y - b.y || a.x - b.x);
}
