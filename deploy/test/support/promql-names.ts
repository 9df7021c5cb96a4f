import { METRICS, prometheusName, type MetricDefinition } from '@latchkey/telemetry';

/** The Prometheus series names a catalogue metric produces, as the OpenTelemetry Prometheus exporter writes them. */
export function seriesNames(definition: MetricDefinition): string[] {
  const name = prometheusName(definition);
  return definition.kind === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name];
}

/** Every series name the catalogue produces, mapped to its catalogue key. */
export const KNOWN_SERIES: ReadonlyMap<string, string> = new Map(
  Object.entries(METRICS).flatMap(([key, definition]) => seriesNames(definition).map((series) => [series, key] as const)),
);

// String literals (label values, regexps) are not metric names: `job="latchkey"` must not count.
const STRING_LITERAL = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const LATCHKEY_IDENTIFIER = /(?<![A-Za-z0-9_:])latchkey_[A-Za-z0-9_:]*/g;

/** The `latchkey_*` identifiers a PromQL expression names (metric names, and anything else so prefixed). */
export function latchkeyNames(expr: string): string[] {
  return [...new Set(expr.replace(STRING_LITERAL, '""').match(LATCHKEY_IDENTIFIER) ?? [])];
}

/** The `latchkey_*` names of an expression that no catalogue metric produces. */
export function unknownNames(expr: string): string[] {
  return latchkeyNames(expr).filter((name) => !KNOWN_SERIES.has(name));
}

/** Labels a query may name: the catalogue's, the histogram bucket bound, and the scrape's own (prometheus.yml). */
export const KNOWN_LABELS: ReadonlySet<string> = new Set([...Object.values(METRICS).flatMap((d) => d.labels), 'le', 'job', 'instance', 'component']);

const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const SELECTOR = /\{([^}]*)\}/g;
const MATCHER_LABEL = /([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/g;

/** Label names an expression groups, joins or matches on that no catalogue metric or scrape target has. */
export function unknownLabels(expr: string): string[] {
  const names = [...expr.matchAll(GROUPING)].flatMap((m) => m[1].split(',').map((label) => label.trim()));
  // Matchers: read inside selectors after blanking string literals, so a regexp value cannot look like a label.
  const blanked = expr.replace(STRING_LITERAL, '""');
  for (const selector of blanked.matchAll(SELECTOR)) names.push(...[...selector[1].matchAll(MATCHER_LABEL)].map((m) => m[1]));
  return [...new Set(names.filter((label) => label !== '' && !KNOWN_LABELS.has(label)))];
}

/** Brackets of an expression that do not pair up (outside string literals). */
export function bracketProblems(expr: string): string[] {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const char of expr.replace(STRING_LITERAL, '""')) {
    if ('([{'.includes(char)) stack.push(char);
    else if (char in pairs && stack.pop() !== pairs[char]) return [`unexpected ${char}`];
  }
  return stack.map((open) => `unclosed ${open}`);
}
