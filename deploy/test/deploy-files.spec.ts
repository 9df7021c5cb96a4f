import { deployFiles, readDeployFile, yamlErrors } from './support/deploy-files';

describe('files under deploy/', () => {
  const yamlFiles = deployFiles('.yaml', '.yml');
  const jsonFiles = deployFiles('.json');

  it('include the stack’s configuration', () => {
    expect(yamlFiles).toEqual(
      expect.arrayContaining([
        'compose/compose.yaml',
        'grafana/provisioning/dashboards/dashboards.yaml',
        'grafana/provisioning/datasources/datasources.yaml',
        'otel/collector.yaml',
        'prometheus/alerts.yml',
        'prometheus/prometheus.yml',
      ]),
    );
    expect(jsonFiles).toContain('grafana/dashboards/latchkey.json');
  });

  it.each(yamlFiles)('%s is valid YAML without duplicate keys', (file) => {
    expect(yamlErrors(readDeployFile(file))).toEqual([]);
  });

  it.each(jsonFiles)('%s is valid JSON', (file) => {
    expect(() => JSON.parse(readDeployFile(file))).not.toThrow();
  });

  it('reports a duplicate key and a syntax error (the check can fail)', () => {
    expect(yamlErrors('a: 1\na: 2\n')).not.toEqual([]);
    expect(yamlErrors('a: [1, 2\n')).not.toEqual([]);
  });
});
