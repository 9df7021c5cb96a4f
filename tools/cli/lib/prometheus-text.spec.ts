import { parsePrometheusText, samplesNamed } from './prometheus-text';

describe('parsePrometheusText', () => {
  it('reads samples with labels, skipping comments and blank lines', () => {
    const samples = parsePrometheusText(
      [
        '# HELP latchkey_consumer_lag Messages not yet handled',
        '# TYPE latchkey_consumer_lag gauge',
        'latchkey_consumer_lag{group="audit.events",topic="lat.issued",partition="0"} 3',
        'latchkey_consumer_lag{group="audit.events",topic="lat.issued",partition="1"} 0 1700000000000',
        '',
        'latchkey_outbox_backlog{schema="issuer"} 12',
        'process_up 1',
      ].join('\n'),
    );
    expect(samplesNamed(samples, 'latchkey_consumer_lag')).toEqual([
      { name: 'latchkey_consumer_lag', labels: { group: 'audit.events', topic: 'lat.issued', partition: '0' }, value: 3 },
      { name: 'latchkey_consumer_lag', labels: { group: 'audit.events', topic: 'lat.issued', partition: '1' }, value: 0 },
    ]);
    expect(samplesNamed(samples, 'latchkey_outbox_backlog')).toEqual([{ name: 'latchkey_outbox_backlog', labels: { schema: 'issuer' }, value: 12 }]);
    expect(samplesNamed(samples, 'process_up')[0]?.labels).toEqual({});
  });

  it('unescapes label values and reads the special values', () => {
    const [a, b, c] = parsePrometheusText('m{l="a\\"b\\\\c\\nd",k="x,y"} +Inf\nm -Inf\nm NaN\n');
    expect(a).toEqual({ name: 'm', labels: { l: 'a"b\\c\nd', k: 'x,y' }, value: Infinity });
    expect(b?.value).toBe(-Infinity);
    expect(c?.value).toBeNaN();
  });

  it('throws on a line that is not a sample, naming the line', () => {
    expect(() => parsePrometheusText('ok 1\nthis is not a metric line\n')).toThrow('metrics line 2');
    expect(() => parsePrometheusText('m{l=unquoted} 1')).toThrow('metrics line 1');
    expect(() => parsePrometheusText('m 1x')).toThrow('not a number');
  });
});
