import type { ConfigOf, ConfigShape, ConfigSlice, Env } from './config-slice';
import { ConfigError, echoValue, isEchoable, type ConfigIssue } from './config-error';

type ParseResult = { readonly values: Record<string, unknown>; readonly issues: readonly ConfigIssue[] };

/**
 * Reads one slice's variables from `env`. An empty string counts as unset, so
 * `FOO=` in a compose file falls back to the default like an absent variable.
 */
function parseSlice(slice: ConfigSlice, env: Env): ParseResult {
  const values: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [variable, schema] of Object.entries(slice.shape)) {
    const raw = env[variable];
    const input = raw === undefined || raw.trim() === '' ? undefined : raw;
    const result = schema.safeParse(input);
    if (result.success) {
      values[variable] = Array.isArray(result.data) ? Object.freeze([...result.data]) : result.data;
      continue;
    }
    issues.push(
      input === undefined
        ? { variable, slice: slice.name, problem: 'is required but not set' }
        : {
            variable,
            slice: slice.name,
            problem: [...new Set(result.error.issues.map((issue) => issue.message))].join('; '),
            ...(isEchoable(variable, input) ? { received: echoValue(input) } : {}),
          },
    );
  }
  return { values, issues };
}

function processEnv(): Env {
  return process.env;
}

/**
 * Validates and returns one slice's configuration, typed and frozen.
 * @throws ConfigError listing every invalid or missing variable of the slice.
 */
export function loadConfig<S extends ConfigShape>(slice: ConfigSlice<S>, env: Env = processEnv()): ConfigOf<ConfigSlice<S>> {
  const { values, issues } = parseSlice(slice, env);
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(values) as ConfigOf<ConfigSlice<S>>;
}

/**
 * Loads several slices at once, so a single error lists the bad variables of
 * all of them.
 * @throws ConfigError listing every invalid or missing variable.
 */
export function loadConfigs<const T extends Readonly<Record<string, ConfigSlice>>>(
  slices: T,
  env: Env = processEnv(),
): { readonly [K in keyof T]: ConfigOf<T[K]> } {
  const loaded: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [key, slice] of Object.entries(slices)) {
    const result = parseSlice(slice, env);
    loaded[key] = Object.freeze(result.values);
    issues.push(...result.issues);
  }
  if (issues.length > 0) throw new ConfigError(dedupe(issues));
  return Object.freeze(loaded) as { readonly [K in keyof T]: ConfigOf<T[K]> };
}

/**
 * Validates every given slice (duplicates ignored) without returning values:
 * what a process runs once at start, before anything else.
 * @throws ConfigError listing every invalid or missing variable.
 */
export function validateConfig(slices: readonly ConfigSlice[], env: Env = processEnv()): void {
  const issues = [...new Set(slices)].flatMap((slice) => parseSlice(slice, env).issues);
  if (issues.length > 0) throw new ConfigError(dedupe(issues));
}

/** A variable shared by two slices (e.g. a picked slice) is reported once. */
function dedupe(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.variable}\u0000${issue.problem}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
