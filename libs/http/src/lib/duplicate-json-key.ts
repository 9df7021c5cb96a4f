const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const COMMA = 0x2c; // ,
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]

/** Up to this many keys, an object's keys are compared one by one: cheaper than hashing for the few keys most objects have. */
const FEW_KEYS = 16;

/** The keys seen so far in one object. */
class ObjectKeys {
  private readonly list: string[] = [];
  private set: Set<string> | undefined;

  /** Records a key; `false` when the object already had it. */
  add(key: string): boolean {
    if (this.set !== undefined) {
      if (this.set.has(key)) return false;
      this.set.add(key);
      return true;
    }
    const list = this.list;
    for (let index = 0; index < list.length; index++) if (list[index] === key) return false;
    list.push(key);
    // Beyond a few keys, a linear search per key would make a wide object quadratic.
    if (list.length > FEW_KEYS) this.set = new Set(list);
    return true;
  }
}

/** The index of the quote that closes the string whose content starts at `from`; `text.length` if none (not valid JSON). */
function closingQuote(text: string, from: number): number {
  let quote = text.indexOf('"', from);
  while (quote !== -1) {
    // Escaped only when an odd number of backslashes precede it: each run is counted once, for the quote it ends at.
    let before = quote - 1;
    while (before >= from && text.charCodeAt(before) === BACKSLASH) before--;
    if ((quote - 1 - before) % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}

/**
 * The first key that an object of a JSON text repeats, at any depth, or
 * `undefined` when every object's keys are distinct. Keys are compared after
 * unescaping (`"a"` and `"\u0061"` are the same key), as `JSON.parse` compares
 * them when it lets the last one win.
 *
 * Why: `JSON.parse` silently keeps the last of two equal keys, while another
 * reader of the same bytes (a WAF, an audit tap, a client library) may keep the
 * first; a request that means two things is refused instead. A `JSON.parse`
 * reviver cannot see the duplicates, hence this walk over the text.
 *
 * The text must already be valid JSON (`JSON.parse` accepted it): this only
 * tracks strings and brackets. One pass, linear in the text's length; a key is
 * copied only to be compared, and unescaped only when it holds a backslash.
 */
export function findDuplicateJsonKey(text: string): string | undefined {
  // The keys seen in each open object, innermost last; `undefined` stands for an array (or the top level).
  const enclosing: (ObjectKeys | undefined)[] = [];
  let keys: ObjectKeys | undefined;
  let expectKey = false;
  for (let index = 0; index < text.length; index++) {
    switch (text.charCodeAt(index)) {
      case QUOTE: {
        const end = closingQuote(text, index + 1);
        if (expectKey && keys !== undefined) {
          const raw = text.slice(index + 1, end);
          // A valid JSON string token: JSON.parse unescapes it exactly as it unescaped the key in the body.
          const key = raw.includes('\\') ? (JSON.parse(text.slice(index, end + 1)) as string) : raw;
          if (!keys.add(key)) return key;
          expectKey = false;
        }
        index = end;
        break;
      }
      case OPEN_OBJECT:
        enclosing.push(keys);
        keys = new ObjectKeys();
        expectKey = true;
        break;
      case OPEN_ARRAY:
        enclosing.push(keys);
        keys = undefined;
        expectKey = false;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        keys = enclosing.pop();
        expectKey = false;
        break;
      case COMMA:
        // After a comma inside an object comes a key; inside an array, a value.
        expectKey = keys !== undefined;
        break;
      default:
        // Whitespace, colons, numbers, true/false/null: nothing to track.
        break;
    }
  }
  return undefined;
}
