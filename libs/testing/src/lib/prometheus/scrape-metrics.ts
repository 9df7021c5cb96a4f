/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for
 * tests that check `/metrics`. Written here rather than taken from npm: the
 * one parser published there (parse-prometheus-text-format 1.1.1, 2019)
 * merges the series of a labelled histogram into one and drops their
 * `_count` and `_sum`, which is exactly what our histograms are. This one
 * keeps every series and throws on any line a scraper would refuse.
 */

/** One sample line: `name{labels} value`. */
export interface ScrapedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its `# TYPE`, `# HELP` and the samples under it (histograms: `_bucket`, `_count`, `_sum`). */
export interface ScrapedFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help: string;
  readonly samples: readonly ScrapedSample[];
}

/** What a test needs of one scrape: the families by name, and the raw text for secret scans. */
export interface Scrape {
  readonly text: string;
  readonly families: ReadonlyMap<string, ScrapedFamily>;
  /** The samples named `name` (e.g. `x_total`, `x_count`) whose labels include every pair of `labels`. */
  samples(name: string, labels?: Record<string, string>): ScrapedSample[];
  /** The sum of those samples' values (0 when there is none). */
  total(name: string, labels?: Record<string, string>): number;
}

const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Suffixes under which a histogram's or summary's samples appear. */
const SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created'];

/** GETs `<baseUrl>/metrics`, checks status and media type, and parses it. */
export async function scrapeMetrics(baseUrl: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain')) throw new Error(`GET ${baseUrl}/metrics answered content-type ${type}`);
  return parseScrape(await response.text());
}

/** Parses one exposition; throws naming the line on anything malformed. */
export function parseScrape(text: string): Scrape {
  const families = new Map<string, { name: string; type: ScrapedFamily['type']; help: string; samples: ScrapedSample[] }>();
  const family = (name: string) => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { name, type: 'untyped', help: '', samples: [] }));
    return found;
  };
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`metrics line ${index + 1}: ${why}: ${line}`);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const [, keyword, name, ...rest] = line.split(' ');
      if (keyword === 'TYPE') {
        if (!name || !NAME.test(name) || !TYPES.has(rest[0] ?? '')) fail('bad TYPE');
        family(name).type = rest[0] as ScrapedFamily['type'];
      } else if (keyword === 'HELP') {
        if (!name || !NAME.test(name)) fail('bad HELP');
        family(name).help = rest.join(' ');
      }
      return; // other comments (# UNIT, free text) carry nothing a test reads
    }
    const sample = parseSample(line, fail);
    const owner = [...SUFFIXES, ''].map((suffix) =>
      sample.name.endsWith(suffix) ? sample.name.slice(0, sample.name.length - suffix.length) : undefined,
    );
    const familyName = owner.find((name) => name !== undefined && families.has(name)) ?? sample.name;
    family(familyName).samples.push(sample);
  });
  const frozen: ReadonlyMap<string, ScrapedFamily> = families;
  const samples = (name: string, labels: Record<string, string> = {}) =>
    [...families.values()]
      .flatMap((f) => f.samples)
      .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
  return {
    text,
    families: frozen,
    samples,
    total: (name, labels) => samples(name, labels).reduce((sum, s) => sum + s.value, 0),
  };
}

function parseSample(line: string, fail: (why: string) => never): ScrapedSample {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  const nameEnd = brace !== -1 && (space === -1 || brace < space) ? brace : space;
  if (nameEnd <= 0) fail('no value');
  const name = line.slice(0, nameEnd);
  if (!NAME.test(name)) fail('bad metric name');
  const labels: Record<string, string> = {};
  let at = nameEnd;
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const eq = line.indexOf('=', at);
      if (eq === -1) fail('unterminated labels');
      const key = line.slice(at, eq);
      if (!LABEL_NAME.test(key)) fail(`bad label name ${key}`);
      if (line[eq + 1] !== '"') fail('label value not quoted');
      let value = '';
      let i = eq + 2;
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] !== '\\') {
          value += line[i];
          continue;
        }
        const next = line[++i];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else fail('bad escape in label value');
      }
      if (i >= line.length) fail('unterminated label value');
      if (key in labels) fail(`label ${key} repeated`);
      labels[key] = value;
      at = i + 1;
      if (line[at] === ',') at++;
      else if (line[at] !== '}') fail('labels not separated by a comma');
    }
    at++;
  }
  const [rawValue, timestamp, extra] = line.slice(at).trim().split(/\s+/);
  if (rawValue === undefined || extra !== undefined || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) fail('bad value or timestamp');
  const value = rawValue === '+Inf' ? Infinity : rawValue === '-Inf' ? -Infinity : rawValue === 'NaN' ? NaN : Number(rawValue);
  if (Number.isNaN(value) && rawValue !== 'NaN') fail('value is not a number');
  return { name, labels, value };
}
