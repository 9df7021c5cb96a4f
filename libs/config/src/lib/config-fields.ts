import { z } from 'zod';

/**
 * Schemas for environment variables. Each parses the raw string, fails with a
 * message that says what is expected (never echoing the value), and records a
 * `format` for the generated docs. Chain `.default(…)`/`.optional()` and then
 * `.describe('…')`.
 */

/** Format shown in docs/CONFIG.md, stored as zod metadata. */
interface FormatMeta {
  readonly format: string;
}

const withFormat = <T extends z.ZodType>(schema: T, format: string): T => schema.meta({ format } satisfies FormatMeta);

/** The `format` recorded by one of the helpers below, if any. */
export function recordedFormat(schema: z.ZodType): string | undefined {
  const meta: unknown = z.globalRegistry.get(schema);
  if (typeof meta === 'object' && meta !== null && 'format' in meta && typeof meta.format === 'string') {
    return meta.format;
  }
  return undefined;
}

/** A non-empty string (surrounding whitespace trimmed). */
export function envString() {
  return withFormat(z.string().trim().min(1, 'must not be empty'), 'string');
}

/** An integer in `[min, max]`. */
export function envInteger(range: { readonly min?: number; readonly max?: number } = {}) {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  const bounds =
    range.min !== undefined && range.max !== undefined
      ? ` from ${min} to ${max}`
      : range.min !== undefined
        ? ` ≥ ${min}`
        : range.max !== undefined
          ? ` ≤ ${max}`
          : '';
  const problem = `must be an integer${bounds}`;
  return withFormat(
    z
      .string()
      .trim()
      .regex(/^-?\d+$/, problem)
      .transform(Number)
      .refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, problem),
    `integer${bounds}`,
  );
}

/** A TCP port; 0 asks the OS for a free one (tests, e2e). */
export function envPort() {
  return withFormat(envInteger({ min: 0, max: 65535 }), 'port (0–65535)');
}

/** A URL whose scheme is one of `protocols` (e.g. `['http:', 'https:']`). */
export function envUrl(protocols: readonly string[]) {
  const schemes = protocols.map((p) => p.replace(/:$/, ''));
  return withFormat(
    z
      .string()
      .trim()
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol);
          } catch {
            return false;
          }
        },
        `must be a URL using ${schemes.join(' or ')}`,
      ),
    `URL (${schemes.join(', ')})`,
  );
}

/** A PostgreSQL connection URL. */
export function envPostgresUrl() {
  return withFormat(envUrl(['postgres:', 'postgresql:']), 'postgres:// URL');
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** A comma-separated list of `host:port`, e.g. Kafka bootstrap brokers. */
export function envHostPortList() {
  const problem = 'must be a comma-separated list of host:port';
  return withFormat(
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      )
      .refine(
        (items) =>
          items.length > 0 &&
          items.every((item) => {
            const match = HOST_PORT.exec(item);
            const port = match ? Number(match[2]) : 0;
            return port >= 1 && port <= 65535;
          }),
        problem,
      ),
    'comma-separated host:port list',
  );
}

/** One of a fixed set of strings. */
export function envEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return withFormat(z.enum(values, { error: `must be one of ${values.join(', ')}` }), values.join(' | '));
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

/** `true`/`false` (also `1`/`0`, `yes`/`no`). */
export function envBoolean() {
  return withFormat(
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((value) => TRUE.has(value) || FALSE.has(value), 'must be true or false')
      .transform((value) => TRUE.has(value)),
    'boolean',
  );
}

/**
 * A JSON document checked by `schema` (lists of objects, maps of settings):
 * a value that is not JSON fails with "must be <format>", never echoing it.
 */
export function envJson<T extends z.ZodType>(schema: T, format: string) {
  return withFormat(
    z
      .string()
      .transform((value, ctx) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: `must be ${format}` });
          return z.NEVER;
        }
      })
      .pipe(schema),
    format,
  );
}
