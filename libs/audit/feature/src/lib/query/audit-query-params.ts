import { z } from 'zod';
import { AzureResourceId, IsvId, Jti, PersonId, reasonCode, TraceId } from '@latchkey/contracts';
import {
  AUDIT_OUTCOMES,
  decodeAuditCursor,
  isQueryableInstant,
  MAX_AUDIT_PAGE_SIZE,
  resolveAuditEventTypes,
  type AuditCursor,
  type AuditEventFilter,
  type AuditOrder,
} from '@latchkey/audit/data-access';
import { AuditAdminError } from './audit-admin.errors';

/** A page when the request names no `limit`. */
export const DEFAULT_AUDIT_PAGE_SIZE = 100;

/** The longest usage summary, in days (a year, leap day included): bounds the work of one request. */
export const MAX_USAGE_DAYS = 366;

/** At most this many event names in one `type` (there are a dozen contracts, each with two names). */
const MAX_TYPE_NAMES = 32;

/** An instant with an explicit offset (`Z` or `+02:00`), so a bound never depends on the server's time zone; from 1970 to 9999 (AUDIT_QUERY_TIME_RANGE). */
const Instant = z.iso
  .datetime({ offset: true })
  .transform((text) => new Date(text))
  .refine(isQueryableInstant, { message: 'must be from 1970 to 9999' });

/**
 * A calendar day, `YYYY-MM-DD`, that exists (no 2030-02-30), as its UTC midnight; not the last day of 9999, since a usage
 * summary ends the day after `to`, which must still be within AUDIT_QUERY_TIME_RANGE.
 */
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((text) => {
    const day = new Date(`${text}T00:00:00.000Z`);
    // Date rolls 2030-02-30 over to March; a day that exists reads back as itself.
    return (
      !Number.isNaN(day.getTime()) &&
      day.toISOString().startsWith(text) &&
      isQueryableInstant(day) &&
      isQueryableInstant(new Date(day.getTime() + 86_400_000))
    );
  })
  .transform((text) => new Date(`${text}T00:00:00.000Z`));

const FILTER_PARAMS = {
  type: z.string().max(2048).optional(),
  isvId: IsvId.optional(),
  resourceId: AzureResourceId.optional(),
  jti: Jti.optional(),
  personId: PersonId.optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  reason: reasonCode().optional(),
  traceId: TraceId.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
};

const EventsParams = z.strictObject({
  ...FILTER_PARAMS,
  order: z.enum(['asc', 'desc']).optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/)
    .transform(Number)
    .refine((n) => n <= MAX_AUDIT_PAGE_SIZE)
    .optional(),
  cursor: z.string().optional(),
});

const ExportParams = z.strictObject(FILTER_PARAMS);

const UsageParams = z.strictObject({ from: Day, to: Day, isvId: IsvId.optional(), resourceId: AzureResourceId.optional() });

const NoParams = z.strictObject({});

/** `GET /admin/v1/audit/events`: which events, and which page. */
export interface EventsQuery {
  readonly filter: AuditEventFilter;
  readonly limit: number;
  readonly order: AuditOrder;
  readonly cursor?: AuditCursor;
}

/** `GET /admin/v1/audit/usage`: whole UTC days, `to` as the exclusive instant after the last one. */
export interface UsageQuery {
  readonly from: Date;
  readonly to: Date;
  readonly isvId?: string;
  readonly resourceId?: string;
}

/**
 * Parses with `schema`, refusing with the most precise code: a parameter the
 * route does not take, one given twice (Fastify gives an array), or one
 * whose value does not fit. Messages name the parameter, never echo a value
 * (a query string may hold anything, a pasted key included).
 */
function parse<S extends z.ZodType>(schema: S, raw: unknown, parameters: readonly string[]): z.output<S> {
  const query: Record<string, unknown> = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? '');
  if (issue?.code === 'unrecognized_keys') {
    throw new AuditAdminError(
      'AUDIT.QUERY_PARAMETER_UNKNOWN',
      parameters.length === 0 ? 'This route takes no query parameters.' : `Unknown query parameter; this route takes: ${parameters.join(', ')}.`,
    );
  }
  if (Array.isArray(query[name])) throw new AuditAdminError('AUDIT.QUERY_PARAMETER_REPEATED', `The query parameter ${name} is given more than once.`);
  if (query[name] === undefined) throw new AuditAdminError('AUDIT.QUERY_PARAMETER_INVALID', `The query parameter ${name} is required.`);
  throw new AuditAdminError('AUDIT.QUERY_PARAMETER_INVALID', `The query parameter ${name} is invalid (${expectation(name)}).`);
}

/** What a parameter must look like, in words: the error says how to fix the request. */
function expectation(name: string): string {
  switch (name) {
    case 'from':
    case 'to':
      return 'an ISO 8601 instant with an offset, e.g. 2030-01-01T00:00:00Z, or a YYYY-MM-DD day on /usage';
    case 'limit':
      return `an integer from 1 to ${MAX_AUDIT_PAGE_SIZE}`;
    case 'order':
      return 'asc or desc';
    case 'outcome':
      return AUDIT_OUTCOMES.join(', ');
    case 'reason':
      return 'an error code such as LAT.EXPIRED';
    case 'traceId':
      return '32 lower-case hex digits';
    case 'resourceId':
      return 'an Azure resource id';
    default:
      return 'printable ASCII, at most 128 characters';
  }
}

function filterOf(params: z.output<typeof ExportParams>): AuditEventFilter {
  const { type, from, to, ...exact } = params;
  if (from !== undefined && to !== undefined && from >= to) throw new AuditAdminError('AUDIT.QUERY_RANGE_INVALID', 'from must be before to.');
  return { ...exact, ...(type === undefined ? {} : { types: typesOf(type) }), from, to };
}

/** `type` is one or more comma-separated names: short (`lat.used`) or full CloudEvents types. */
function typesOf(text: string): readonly string[] {
  const names = text.split(',').map((name) => name.trim());
  if (names.length > MAX_TYPE_NAMES || names.some((name) => name === '')) {
    throw new AuditAdminError(
      'AUDIT.QUERY_PARAMETER_INVALID',
      `The query parameter type is invalid (1-${MAX_TYPE_NAMES} comma-separated event names).`,
    );
  }
  const resolved = resolveAuditEventTypes(names);
  if (!resolved.ok)
    throw new AuditAdminError(
      'AUDIT.QUERY_EVENT_TYPE_UNKNOWN',
      'The query parameter type names an unknown event; use a topic such as lat.used or a CloudEvents type.',
    );
  return resolved.types;
}

/** Parses the query string of `GET /admin/v1/audit/events`. @throws AuditAdminError */
export function parseEventsQuery(raw: unknown): EventsQuery {
  const { order = 'asc', limit = DEFAULT_AUDIT_PAGE_SIZE, cursor: token, ...filter } = parse(EventsParams, raw, Object.keys(EventsParams.shape));
  let cursor: AuditCursor | undefined;
  if (token !== undefined) {
    cursor = decodeAuditCursor(token);
    if (cursor === undefined) throw new AuditAdminError('AUDIT.QUERY_CURSOR_INVALID', 'The cursor is not one this API issued.');
    if (cursor.order !== order)
      throw new AuditAdminError('AUDIT.QUERY_CURSOR_INVALID', `The cursor was issued for order=${cursor.order}; pass the same order.`);
  }
  return { filter: filterOf(filter), limit, order, cursor };
}

/** Parses the query string of `GET /admin/v1/audit/events/export`: the filters of /events, no paging. @throws AuditAdminError */
export function parseExportQuery(raw: unknown): AuditEventFilter {
  return filterOf(parse(ExportParams, raw, Object.keys(ExportParams.shape)));
}

/** Parses the query string of `GET /admin/v1/audit/usage`: `from` and `to` are whole UTC days, both included. @throws AuditAdminError */
export function parseUsageQuery(raw: unknown): UsageQuery {
  const { from, to, isvId, resourceId } = parse(UsageParams, raw, Object.keys(UsageParams.shape));
  const days = (to.getTime() - from.getTime()) / 86_400_000 + 1;
  if (days < 1) throw new AuditAdminError('AUDIT.QUERY_RANGE_INVALID', 'to must not be before from.');
  if (days > MAX_USAGE_DAYS) throw new AuditAdminError('AUDIT.QUERY_RANGE_INVALID', `A usage summary covers at most ${MAX_USAGE_DAYS} days.`);
  return { from, to: new Date(to.getTime() + 86_400_000), isvId, resourceId };
}

/** Refuses any query parameter (routes that take none). @throws AuditAdminError */
export function parseNoQuery(raw: unknown): void {
  parse(NoParams, raw, []);
}
