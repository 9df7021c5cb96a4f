import { z } from 'zod';

/** The zod schema of one environment variable; its key in the shape is the variable's name. */
export type ConfigField = z.ZodType;

/** Environment variable name → schema. Every schema carries a `.describe('…')`. */
export type ConfigShape = Readonly<Record<string, ConfigField>>;

/** Where configuration is read from: `process.env` in production, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A named group of variables owned by one lib or service (e.g. `platform`, `issuer`). */
export interface ConfigSlice<S extends ConfigShape = ConfigShape> {
  readonly name: string;
  readonly shape: S;
  /** The DI token under which `ConfigSliceModule.forSlice(slice)` provides the loaded values. */
  readonly token: symbol;
}

type Frozen<T> = T extends readonly (infer U)[] ? readonly U[] : T;

/** The typed, frozen values of a slice, keyed by variable name. */
export type ConfigOf<Slice> =
  Slice extends ConfigSlice<infer S> ? { readonly [K in keyof S]: Frozen<z.output<S[K]>> } : never;

const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;
const SLICE_NAME = /^[a-z][a-z0-9-]*$/;
let sliceCounter = 0;

/**
 * Declares a config slice. Keys are environment variable names: the standard
 * name where one exists (`DATABASE_URL`, `KAFKA_BROKERS`, `LOG_LEVEL`,
 * `OTEL_*`), otherwise `LATCHKEY_<AREA>_<NAME>`. Every field must carry a
 * description (it becomes the docs/CONFIG.md row), so a missing one throws at
 * import time rather than producing an undocumented variable.
 */
export function defineConfigSlice<const S extends ConfigShape>(name: string, shape: S): ConfigSlice<S> {
  if (!SLICE_NAME.test(name)) {
    throw new Error(`config slice name "${name}" must be kebab-case`);
  }
  for (const [variable, schema] of Object.entries(shape)) {
    if (!VARIABLE_NAME.test(variable)) {
      throw new Error(`config slice "${name}": "${variable}" is not an UPPER_SNAKE_CASE variable name`);
    }
    if (fieldDescription(schema) === undefined) {
      throw new Error(`config slice "${name}": ${variable} needs a .describe('…') for the generated docs`);
    }
  }
  sliceCounter += 1;
  return Object.freeze({ name, shape, token: Symbol(`latchkey.config:${name}#${sliceCounter}`) });
}

/**
 * A slice with only some of another slice's variables, under the same name:
 * for code that must validate a few variables early (the telemetry bootstrap
 * runs before the app and its full config exist).
 */
export function pickConfigSlice<S extends ConfigShape, const K extends keyof S & string>(
  slice: ConfigSlice<S>,
  variables: readonly K[],
): ConfigSlice<Pick<S, K>> {
  const shape = {} as Record<K, S[K]>;
  for (const variable of variables) shape[variable] = slice.shape[variable];
  return defineConfigSlice(slice.name, shape as Pick<S, K>);
}

/** The schema wrapped by `.optional()`, `.default()`, `.nullable()`… (outermost first). */
export function* schemaLayers(schema: z.ZodType): Generator<z.ZodType> {
  let current: z.ZodType | undefined = schema;
  while (current) {
    yield current;
    current =
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodReadonly
        ? (current.unwrap() as z.ZodType)
        : undefined;
  }
}

/** The field's description, from whichever wrapper carries it. */
export function fieldDescription(schema: z.ZodType): string | undefined {
  for (const layer of schemaLayers(schema)) {
    if (layer.description) return layer.description;
  }
  return undefined;
}
