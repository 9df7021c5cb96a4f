/**
 * Just enough of the Dockerfile and .dockerignore formats for the static
 * checks of dockerfile.spec.ts: instructions with line continuations and
 * comments, stages, COPY/ADD flags and sources, ARG defaults; and the
 * .dockerignore patterns (`*`, `?`, `**`, `!` exceptions, last match wins).
 */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

export interface Copy {
  readonly from: string | undefined;
  readonly sources: string[];
  readonly destination: string;
}

/** The instructions of a Dockerfile, continuations joined, comments and blank lines dropped. */
export function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The stages, with global ARG defaults substituted into each FROM image. */
export function stages(text: string): Stage[] {
  const globals = new Map<string, string>();
  const found: Stage[] = [];
  for (const instruction of instructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/);
      const resolved = image.replace(/\$\{?(\w+)\}?/g, (_m, arg: string) => globals.get(arg) ?? '');
      found.push({ image: resolved, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (found.length === 0 && instruction.keyword === 'ARG') {
      const [arg, value] = instruction.args.split('=');
      if (value !== undefined) globals.set(arg, value);
    } else {
      found.at(-1)?.instructions.push(instruction);
    }
  }
  return found;
}

/** A COPY or ADD in shell form (`--flag=value… src… dest`) or JSON form. */
export function copyOf(instruction: Instruction): Copy {
  const words = instruction.args.startsWith('[') ? (JSON.parse(instruction.args) as string[]) : instruction.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

/** Compiles .dockerignore text into a predicate: is this context path (relative, `/`-separated) excluded? */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = (negated ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negated, regex: globToRegex(pattern) };
    });
  return (path) => {
    const clean = path.replace(/^\.\/+/, '').replace(/\/+$/, '');
    // A path is excluded when it or one of its parent folders matches (Docker excludes a folder's contents with it).
    const prefixes = clean.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.regex.test(p))) excluded = !rule.negated;
    return excluded;
  };
}

function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
