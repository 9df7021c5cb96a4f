import { METRICS, prometheusName } from '@latchkey/telemetry';
import { list, readJson, readYaml, record } from './support/deploy-files';
import { dataPanels } from './support/grafana-panels';
import { bracketProblems, KNOWN_SERIES, latchkeyNames, unknownLabels, unknownNames } from './support/promql-names';

const ruleExprs = list(record(readYaml('prometheus/alerts.yml'))['groups']).flatMap((group) =>
  list(record(group)['rules']).map((rule) => [String(record(rule)['alert'] ?? record(rule)['record']), String(record(rule)['expr'] ?? '')] as const),
);
const panelExprs = dataPanels(readJson('grafana/dashboards/latchkey.json')).flatMap((panel) =>
  panel.exprs.map((expr) => [panel.title, expr] as const),
);

describe('PromQL in the dashboard and the alert rules', () => {
  it('finds expressions to check', () => {
    expect(ruleExprs.length).toBeGreaterThan(5);
    expect(panelExprs.length).toBeGreaterThan(10);
  });

  it.each(ruleExprs)('alert %s names only catalogue metrics and labels', (_name, expr) => {
    expect(unknownNames(expr)).toEqual([]);
    expect(unknownLabels(expr)).toEqual([]);
    expect(bracketProblems(expr)).toEqual([]);
  });

  it.each(panelExprs)('panel "%s" names only catalogue metrics and labels', (_title, expr) => {
    expect(latchkeyNames(expr)).not.toEqual([]);
    expect(unknownNames(expr)).toEqual([]);
    expect(unknownLabels(expr)).toEqual([]);
    expect(bracketProblems(expr)).toEqual([]);
  });

  it('alerts on every metric an SRE is paged or warned about', () => {
    const used = new Set(ruleExprs.flatMap(([, expr]) => latchkeyNames(expr)).map((name) => KNOWN_SERIES.get(name)));
    for (const key of [
      'revocationPropagation',
      'consumerLag',
      'outboxOldestAge',
      'deadLetters',
      'issuanceRequests',
      'rbacDecisions',
      'abuseAlerts',
    ]) {
      expect(used).toContain(key);
    }
  });

  describe('the name check itself', () => {
    it('knows the exporter’s names: _total on counters, _bucket/_count/_sum on histograms, gauges as they are', () => {
      expect(KNOWN_SERIES.get('latchkey_issuance_requests_total')).toBe('issuanceRequests');
      expect(KNOWN_SERIES.get('latchkey_revocation_propagation_bucket')).toBe('revocationPropagation');
      expect(KNOWN_SERIES.get('latchkey_consumer_lag')).toBe('consumerLag');
      expect(KNOWN_SERIES.size).toBe(Object.values(METRICS).reduce((n, definition) => n + (definition.kind === 'histogram' ? 3 : 1), 0));
      expect(prometheusName(METRICS.outboxOldestAge)).toBe('latchkey_outbox_oldest_age');
    });

    it('reports a misspelt name, a counter without _total and a bare histogram', () => {
      expect(unknownNames('sum(rate(latchkey_issuance_request_total[5m]))')).toEqual(['latchkey_issuance_request_total']);
      expect(unknownNames('rate(latchkey_dead_letters[5m])')).toEqual(['latchkey_dead_letters']);
      expect(unknownNames('latchkey_revocation_propagation > 1000')).toEqual(['latchkey_revocation_propagation']);
    });

    it('reports an unknown label and unpaired brackets', () => {
      expect(unknownLabels('sum by (grp, topic) (latchkey_consumer_lag{partiton="0", group=~"a|b"})')).toEqual(['grp', 'partiton']);
      expect(unknownLabels('sum by (le, service) (rate(latchkey_revocation_propagation_bucket{component=~"$component"}[5m]))')).toEqual([]);
      expect(bracketProblems('sum(rate(latchkey_dead_letters_total[5m])')).toEqual(['unclosed (']);
      expect(bracketProblems('sum(rate(latchkey_dead_letters_total[5m)))')).toEqual(['unexpected )']);
      expect(bracketProblems('up{job=")"}')).toEqual([]);
    });

    it('ignores label values and matches whole identifiers only', () => {
      expect(latchkeyNames('up{job="latchkey", x="latchkey_nope"} + foo_latchkey_bar')).toEqual([]);
      expect(latchkeyNames('max by (group) (latchkey_consumer_lag{group=~"audit.+"})')).toEqual(['latchkey_consumer_lag']);
    });
  });
});
