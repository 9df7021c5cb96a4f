import { METRICS } from '@latchkey/telemetry';
import { list, readJson, readYaml, record } from './support/deploy-files';
import { dataPanels } from './support/grafana-panels';
import { latchkeyNames, seriesNames } from './support/promql-names';

const dashboard = readJson('grafana/dashboards/latchkey.json');
const panels = dataPanels(dashboard);

describe('Grafana dashboard (deploy/grafana/dashboards/latchkey.json)', () => {
  it('shows revocation propagation first and consumer lag second (by position: y, then x)', () => {
    const [first, second] = panels;
    expect(first.exprs.flatMap(latchkeyNames)).toEqual(expect.arrayContaining(seriesNames(METRICS.revocationPropagation).slice(0, 1)));
    expect(first.title).toMatch(/revocation propagation/i);
    expect(second.exprs.flatMap(latchkeyNames)).toEqual(expect.arrayContaining(seriesNames(METRICS.consumerLag)));
    expect(second.title).toMatch(/consumer lag/i);
  });

  it.each(Object.entries(METRICS))('has a panel for %s', (_key, definition) => {
    const names = seriesNames(definition);
    const showing = panels.filter((panel) => panel.exprs.some((expr) => latchkeyNames(expr).some((name) => names.includes(name))));
    expect(showing.map((panel) => panel.title)).not.toEqual([]);
  });

  it('queries the provisioned Prometheus datasource in every panel and target', () => {
    const datasources = list(record(readYaml('grafana/provisioning/datasources/datasources.yaml'))['datasources']).map(record);
    const prometheus = datasources.find((d) => d['type'] === 'prometheus');
    expect(prometheus?.['uid']).toBeDefined();
    for (const panel of list(record(dashboard)['panels'])
      .map(record)
      .filter((p) => p['type'] !== 'row')) {
      expect(record(panel['datasource'])['uid']).toBe(prometheus?.['uid']);
      for (const target of list(panel['targets'])) expect(record(record(target)['datasource'])['uid']).toBe(prometheus?.['uid']);
    }
  });

  it('has unique panel ids and no overlapping panels', () => {
    const all = list(record(dashboard)['panels']).map(record);
    const ids = all.map((p) => p['id']);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const panel of all) {
      const { x, y, w, h } = record(panel['gridPos']) as { x: number; y: number; w: number; h: number };
      expect(x + w).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row++) {
        for (let column = x; column < x + w; column++) {
          const cell = `${column},${row}`;
          expect(cells.has(cell) ? `${String(panel['title'])} overlaps at ${cell}` : cell).toBe(cell);
          cells.add(cell);
        }
      }
    }
  });

  it('filters on the component variable that the scrape configuration labels targets with', () => {
    const variables = list(record(record(dashboard)['templating'])['list']).map(record);
    expect(variables.map((v) => v['name'])).toContain('component');
    for (const panel of panels) for (const expr of panel.exprs) expect(expr).toContain('component=~"$component"');
  });
});
