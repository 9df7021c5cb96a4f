import fc from 'fast-check';
import { findDuplicateJsonKey } from './duplicate-json-key';

/** A JSON document as written, objects as entry lists, so a generated object can repeat a key. */
type Node =
  | { readonly kind: 'scalar'; readonly value: number | boolean | null }
  | { readonly kind: 'string'; readonly value: string; readonly spelling: Spelling }
  | { readonly kind: 'array'; readonly items: readonly Node[] }
  | { readonly kind: 'object'; readonly entries: readonly Entry[] };
interface Entry {
  readonly key: string;
  readonly spelling: Spelling;
  readonly value: Node;
}
/** How a string is written: as JSON.stringify writes it, or every UTF-16 unit as a \u escape (lower or upper hex). */
type Spelling = 'plain' | 'unicode' | 'UNICODE';

function spell(text: string, spelling: Spelling): string {
  if (spelling === 'plain') return JSON.stringify(text);
  const hex = (unit: number): string => unit.toString(16).padStart(4, '0');
  const escaped = Array.from({ length: text.length }, (_, index) => `\\u${hex(text.charCodeAt(index))}`).join('');
  return `"${spelling === 'unicode' ? escaped : escaped.toUpperCase().replace(/\\U/g, '\\u')}"`;
}

function write(node: Node, space: string): string {
  switch (node.kind) {
    case 'scalar':
      return JSON.stringify(node.value);
    case 'string':
      return spell(node.value, node.spelling);
    case 'array':
      return `[${space}${node.items.map((item) => write(item, space)).join(`${space},${space}`)}${space}]`;
    case 'object':
      return `{${space}${node.entries.map((entry) => `${spell(entry.key, entry.spelling)}${space}:${space}${write(entry.value, space)}`).join(`${space},${space}`)}${space}}`;
  }
}

/** The reference answer, from the tree: the first key repeated within one object, in the order the text is read. */
function firstRepeat(node: Node): string | undefined {
  if (node.kind === 'array') {
    for (const item of node.items) {
      const found = firstRepeat(item);
      if (found !== undefined) return found;
    }
  }
  if (node.kind === 'object') {
    const seen = new Set<string>();
    for (const entry of node.entries) {
      if (seen.has(entry.key)) return entry.key;
      seen.add(entry.key);
      const found = firstRepeat(entry.value);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Keys from a small alphabet, so that repeats are common; quotes and backslashes to test the string scanning. */
const key = fc.oneof(
  fc.constantFrom('a', 'b', 'featureFlags', '"', '\\', 'a\\', '\\"', '', 'é', '\u0000', '\ud83d\ude00', '\ud800'),
  fc.string({ maxLength: 4, unit: 'binary' }),
);
const spelling = fc.constantFrom<Spelling>('plain', 'plain', 'unicode', 'UNICODE');
const space = fc.constantFrom('', ' ', '\n\t ');

const tree = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)).map((value): Node => ({ kind: 'scalar', value })),
    fc.record({ value: key, spelling }).map((string): Node => ({ kind: 'string', ...string })),
    fc.array(tie('node'), { maxLength: 4 }).map((items): Node => ({ kind: 'array', items })),
    fc.array(fc.record({ key, spelling, value: tie('node') }), { maxLength: 5 }).map((entries): Node => ({ kind: 'object', entries })),
  ),
})).node;

describe(findDuplicateJsonKey.name, () => {
  it('accepts objects whose keys are distinct at every depth', () => {
    expect(
      findDuplicateJsonKey('{"resourceId":"r-1","featureFlags":["Face.Verification","LimitedAccess.HighRisk"],"expiredTime":3600}'),
    ).toBeUndefined();
    expect(findDuplicateJsonKey('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toBeUndefined();
    expect(findDuplicateJsonKey('[{"a":1},{"a":1}]')).toBeUndefined();
    expect(findDuplicateJsonKey('{}')).toBeUndefined();
    expect(findDuplicateJsonKey('"a"')).toBeUndefined();
    expect(findDuplicateJsonKey('42')).toBeUndefined();
  });

  it('finds a key repeated at the top level, naming it', () => {
    expect(findDuplicateJsonKey('{"featureFlags":["Face.Verification"],"featureFlags":["LimitedAccess.HighRisk"]}')).toBe('featureFlags');
  });

  it('finds a key repeated deep inside arrays and objects', () => {
    expect(findDuplicateJsonKey('{"a":[1,{"b":{"c":1,"d":[{"e":1,"e":2}]}}]}')).toBe('e');
  });

  it('finds a key repeated after a nested object closed', () => {
    expect(findDuplicateJsonKey('{"a":{"x":1,"y":2},"b":[{"x":1}],"a":3}')).toBe('a');
  });

  it('finds keys that are equal only once unescaped', () => {
    expect(findDuplicateJsonKey('{"a":1,"\\u0061":2}')).toBe('a');
    expect(findDuplicateJsonKey('{"\\u0066eatureFlags":[],"feature\\u0046lags":[],"featureFlags":[]}')).toBe('featureFlags');
    expect(findDuplicateJsonKey('{"\\/":1,"/":2}')).toBe('/');
    expect(findDuplicateJsonKey('{"\\uD83D\\uDE00":1,"\ud83d\ude00":2}')).toBe('\ud83d\ude00');
  });

  it('tells keys apart that differ only in case or escaping of a backslash', () => {
    expect(findDuplicateJsonKey('{"a":1,"A":2}')).toBeUndefined();
    expect(findDuplicateJsonKey('{"a\\\\":1,"a":2,"a\\\\\\\\":3}')).toBeUndefined();
  });

  it('ignores look-alike keys inside string values', () => {
    expect(findDuplicateJsonKey('{"a":"{\\"b\\":1,\\"b\\":2}","b":"\\\\","c":"\\\\\\"a\\":"}')).toBeUndefined();
  });

  it('walks deep nesting without recursion', () => {
    const depth = 100_000;
    const deep = `${'['.repeat(depth)}{"a":1,"a":2}${']'.repeat(depth)}`;
    expect(findDuplicateJsonKey(deep)).toBe('a');
  });

  it('finds a repeat in a wide object (past the linear search) and accepts one without', () => {
    const wide = Array.from({ length: 1_000 }, (_, index) => `"k${index}":${index}`);
    expect(findDuplicateJsonKey(`{${wide.join(',')}}`)).toBeUndefined();
    expect(findDuplicateJsonKey(`{${wide.join(',')},"k3":0}`)).toBe('k3');
    expect(findDuplicateJsonKey(`{${wide.join(',')},"k999":0}`)).toBe('k999');
  });

  it('accepts any JSON.stringify output (JavaScript objects cannot repeat a key)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, '\t'), (value, indent) => {
        expect(findDuplicateJsonKey(JSON.stringify(value, null, indent))).toBeUndefined();
      }),
    );
  });

  it('refuses a document once a key of one of its objects is written again, in any spelling', () => {
    const withRepeat = fc
      .record({
        entries: fc.array(fc.record({ key, spelling, value: fc.jsonValue() }), { minLength: 1, maxLength: 6 }),
        pick: fc.nat(),
        at: fc.nat(),
        spelling,
      })
      .map(({ entries, pick, at, spelling: again }) => {
        const unique = [...new Map(entries.map((entry) => [entry.key, entry])).values()];
        const repeated = unique[pick % unique.length] as (typeof unique)[number];
        const written = unique.map((entry) => `${spell(entry.key, entry.spelling)}:${JSON.stringify(entry.value)}`);
        written.splice(at % (written.length + 1), 0, `${spell(repeated.key, again)}:0`);
        return { text: `{${written.join(',')}}`, key: repeated.key };
      });
    fc.assert(
      fc.property(withRepeat, fc.nat({ max: 3 }), ({ text, key: repeated }, depth) => {
        const nested = `${'{"outer":['.repeat(depth)}${text}${']}'.repeat(depth)}`;
        expect(() => JSON.parse(nested) as unknown).not.toThrow();
        expect(findDuplicateJsonKey(nested)).toBe(repeated);
      }),
    );
  });

  it('agrees with a reading of the document tree, for generated documents with and without repeats', () => {
    fc.assert(
      fc.property(tree, space, (node, gap) => {
        const text = write(node, gap);
        expect(() => JSON.parse(text) as unknown).not.toThrow();
        expect(findDuplicateJsonKey(text)).toBe(firstRepeat(node));
      }),
      { numRuns: 1_000 },
    );
  });
});
