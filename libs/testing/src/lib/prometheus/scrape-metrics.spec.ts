import { parseScrape } from './scrape-metrics';

const EXPOSITION = [
  '# HELP latchkey_uses_total Gated uses',
  '# TYPE latchkey_uses_total counter',
  'latchkey_uses_total{outcome="served",reason="none"} 3',
  'latchkey_uses_total{outcome="refused",reason="expired"} 2 1700000000000',
  '# HELP latchkey_duration Request duration',
  '# UNIT latchkey_duration ms',
  '# TYPE latchkey_duration histogram',
  'latchkey_duration_bucket{outcome="a",le="10"} 1',
  'latchkey_duration_bucket{outcome="a",le="+Inf"} 2',
  'latchkey_duration_count{outcome="a"} 2',
  'latchkey_duration_sum{outcome="a"} 31.5',
  'latchkey_duration_bucket{outcome="b",le="10"} 0',
  'latchkey_duration_bucket{outcome="b",le="+Inf"} 1',
  'latchkey_duration_count{outcome="b"} 1',
  'latchkey_duration_sum{outcome="b"} 12',
  'odd{path="C:\\\\DIR",msg="say \\"hi\\"\\n"} NaN',
  '',
].join('\n');

describe(parseScrape.name, () => {
  const scrape = parseScrape(EXPOSITION);

  it('keeps every series of a labelled histogram with its count and sum (what the npm parser loses)', () => {
    expect(scrape.families.get('latchkey_duration')?.type).toBe('histogram');
    expect(scrape.samples('latchkey_duration_count', { outcome: 'a' })).toEqual([
      { name: 'latchkey_duration_count', labels: { outcome: 'a' }, value: 2 },
    ]);
    expect(scrape.total('latchkey_duration_count')).toBe(3);
    expect(scrape.total('latchkey_duration_sum', { outcome: 'b' })).toBe(12);
    expect(scrape.samples('latchkey_duration_bucket', { le: '+Inf' })).toHaveLength(2);
    expect(scrape.families.get('latchkey_duration')?.samples).toHaveLength(8);
  });

  it('reads counters with help, labels, values and timestamps, and unescapes label values', () => {
    expect(scrape.families.get('latchkey_uses_total')).toMatchObject({ type: 'counter', help: 'Gated uses' });
    expect(scrape.total('latchkey_uses_total', { outcome: 'refused' })).toBe(2);
    expect(scrape.samples('odd')[0]?.labels).toEqual({ path: 'C:\\DIR', msg: 'say "hi"\n' });
    expect(scrape.samples('odd')[0]?.value).toBeNaN();
  });

  it.each([
    ['a value that is not a number', 'x 1a'],
    ['no value', 'x'],
    ['an unquoted label value', 'x{a=b} 1'],
    ['an unterminated label set', 'x{a="b" 1'],
    ['a repeated label', 'x{a="1",a="2"} 1'],
    ['a bad metric name', '1x 1'],
    ['a bad escape', 'x{a="\\t"} 1'],
    ['an unknown TYPE', '# TYPE x thing'],
    ['a trailing field', 'x 1 2 3'],
  ])('refuses %s', (_, line) => {
    expect(() => parseScrape(`${line}\n`)).toThrow(/metrics line 1/);
  });
});
