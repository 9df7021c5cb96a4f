import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, prometheusName } from '@latchkey/telemetry';
import { list, readYaml, record, WORKSPACE_ROOT } from './support/deploy-files';

const operations = readFileSync(join(WORKSPACE_ROOT, 'docs/OPERATIONS.md'), 'utf8');

describe('docs/OPERATIONS.md', () => {
  it.each(Object.values(METRICS).map((d) => [prometheusName(d)]))('explains the metric %s', (name) => {
    expect(operations).toContain(`\`${name}\``);
  });

  const alerts = list(record(readYaml('prometheus/alerts.yml'))['groups']).flatMap((g) =>
    list(record(g)['rules']).map((r) => String(record(r)['alert'])),
  );
  it.each(alerts)('explains the alert %s', (alert) => {
    expect(operations).toContain(`\`${alert}\``);
  });

  it('tells how to start the stack with the compose file of deploy/', () => {
    expect(operations).toContain('docker compose -f deploy/compose/compose.yaml up');
    expect(operations).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318');
  });
});
