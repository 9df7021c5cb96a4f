import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS } from '@latchkey/config';
import { list, readYaml, record, WORKSPACE_ROOT } from './support/deploy-files';
import { githubAnchors } from './support/markdown';

const prometheus = record(readYaml('prometheus/prometheus.yml'));
const rules = list(record(readYaml('prometheus/alerts.yml'))['groups']).flatMap((group) => list(record(group)['rules']).map(record));

describe('Prometheus configuration (deploy/prometheus)', () => {
  it('scrapes /metrics of every service at its default port, labelled with its name', () => {
    const job = list(prometheus['scrape_configs'])
      .map(record)
      .find((c) => c['job_name'] === 'latchkey');
    expect(job?.['metrics_path']).toBe('/metrics');
    const targets = list(job?.['static_configs']).flatMap((c) =>
      list(record(c)['targets']).map((target) => [String(record(record(c)['labels'])['component']), String(target)] as const),
    );
    const expected = Object.entries(DEFAULT_PORTS).map(([service, port]) => [service, `host.docker.internal:${port}`] as const);
    expect(targets.sort()).toEqual(expected.sort());
  });

  it('has a platform twin (compose profile platform) that scrapes the compose services by name and is otherwise the same', () => {
    const platform = record(readYaml('prometheus/prometheus.platform.yml'));
    const job = list(platform['scrape_configs'])
      .map(record)
      .find((c) => c['job_name'] === 'latchkey');
    const targets = list(job?.['static_configs']).flatMap((c) =>
      list(record(c)['targets']).map((target) => [String(record(record(c)['labels'])['component']), String(target)] as const),
    );
    const expected = Object.entries(DEFAULT_PORTS).map(([service, port]) => [service, `${service}:${port}`] as const);
    expect(targets.sort()).toEqual(expected.sort());
    const withoutTargets = (config: Record<string, unknown>): unknown => ({
      ...config,
      scrape_configs: list(config['scrape_configs']).map((c) => ({
        ...record(c),
        static_configs: record(c)['job_name'] === 'latchkey' ? [] : record(c)['static_configs'],
      })),
    });
    expect(withoutTargets(platform)).toEqual(withoutTargets(prometheus));
  });

  it('loads the alert rules', () => {
    expect(prometheus['rule_files']).toEqual(['/etc/prometheus/alerts.yml']);
  });

  it('has alert rules with a unique name, a severity, a summary and a runbook section that exists in docs/OPERATIONS.md', () => {
    const operations = join(WORKSPACE_ROOT, 'docs/OPERATIONS.md');
    expect(existsSync(operations)).toBe(true);
    const anchors = githubAnchors(readFileSync(operations, 'utf8'));
    const names = rules.map((rule) => rule['alert']);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      const annotations = record(rule['annotations']);
      expect([rule['alert'], typeof rule['expr']]).toEqual([expect.stringMatching(/^Latchkey[A-Za-z]+$/), 'string']);
      expect([rule['alert'], record(rule['labels'])['severity']]).toEqual([rule['alert'], expect.stringMatching(/^(page|warning)$/)]);
      expect([rule['alert'], typeof annotations['summary']]).toEqual([rule['alert'], 'string']);
      const runbook = String(annotations['runbook'] ?? '');
      expect([rule['alert'], runbook]).toEqual([rule['alert'], expect.stringMatching(/^docs\/OPERATIONS\.md#/)]);
      expect([rule['alert'], anchors.has(runbook.split('#')[1])]).toEqual([rule['alert'], true]);
    }
  });

  it('pages for slow revocation propagation above 1 s at p99', () => {
    const rule = rules.find((r) => r['alert'] === 'LatchkeyRevocationPropagationSlow');
    expect(String(rule?.['expr'])).toMatch(/histogram_quantile\(0\.99,.*latchkey_revocation_propagation_bucket.*\)\s*>\s*1000\s*$/s);
    expect(record(rule?.['labels'])['severity']).toBe('page');
  });
});
