/**
 * A minimal reader of the Prometheus text exposition format (0.0.4): the
 * sample lines, with their labels unescaped; comments (# HELP, # TYPE) and
 * blank lines skipped. Enough for `status` to read gauges; the strict
 * reader in libs/testing is for tests only.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const at = LABEL.lastIndex;
    const match = LABEL.exec(text);
    if (!match) {
      if (text.slice(at).trim() === '') break;
      throw new Error(`metrics line ${line}: malformed labels`);
    }
    labels[match[1] as string] = unescape(match[2] as string);
  }
  return labels;
}

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`metrics line ${line}: ${JSON.stringify(text)} is not a number`);
  return value;
}

/** Every sample of a scrape, in order. Throws on a line that is not a comment, blank or a sample. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`metrics line ${index + 1}: not a sample`);
    samples.push({
      name: match[1] as string,
      labels: match[2] ? parseLabels(match[2], index + 1) : {},
      value: parseValue(match[3] as string, index + 1),
    });
  });
  return samples;
}

/** The samples named `name`. */
export function samplesNamed(samples: readonly Sample[], name: string): Sample[] {
  return samples.filter((s) => s.name === name);
}
