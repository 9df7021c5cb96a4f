import { z } from 'zod';
import { AccessRevocationV1, AzureResourceId, IsoDateTime, LatIssueDeniedV1, LatIssuedV1, LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';
import {
  decodeAuditCursor,
  isQueryableInstant,
  MAX_AUDIT_PAGE_SIZE,
  resolveAuditEventTypes,
  type AuditCursor,
  type AuditOrder,
} from '@latchkey/audit/data-access';
import { AuditFeedError } from './audit-feed.errors';

/** What an ISV's feed holds: its issuances, issuance denials, uses and rejections, and revocations of it or its clients. */
export const ISV_FEED_EVENTS = [LatIssuedV1, LatIssueDeniedV1, LatUsedV1, LatRejectedV1, AccessRevocationV1] as const;

const FEED_TYPES: ReadonlySet<string> = new Set(ISV_FEED_EVENTS.map((e) => e.type));

/** A page when the request names no `limit`. */
export const DEFAULT_FEED_PAGE_SIZE = 100;

/** One scalar query parameter: Fastify gives an array for a repeated one, which is refused rather than guessed at. */
const single = <T extends z.ZodType>(schema: T) => schema.optional();

const FeedQuerySchema = z.strictObject({
  type: z.union([z.string().max(256), z.array(z.string().max(256)).max(5)]).optional(),
  resourceId: single(AzureResourceId),
  from: single(IsoDateTime.refine((text) => isQueryableInstant(new Date(text)))),
  to: single(IsoDateTime.refine((text) => isQueryableInstant(new Date(text)))),
  order: single(z.enum(['asc', 'desc'])),
  limit: single(z.string().regex(/^[1-9][0-9]{0,3}$/)),
  cursor: single(z.string().max(128)),
});

/** A feed request's filters and page, as the repository takes them (the ISV comes from the token, never from here). */
export interface IsvFeedQuery {
  readonly types: readonly string[];
  readonly resourceId?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly order: AuditOrder;
  readonly limit: number;
  readonly cursor?: AuditCursor;
}

/**
 * Parses the query string of `GET /isv/v1/isvs/{isvId}/audit-events`.
 * `type` is one or more (comma-separated or repeated) of the feed's events,
 * by short name (`lat.used`) or full CloudEvents type; any other name is
 * refused, so a filter can never widen the feed beyond its five events.
 *
 * @throws AuditFeedError `AUDIT.FEED_QUERY_INVALID`, naming the parameter
 */
export function parseIsvFeedQuery(query: unknown): IsvFeedQuery {
  const parsed = FeedQuerySchema.safeParse(query ?? {});
  if (!parsed.success) {
    // Unknown parameter names are the caller's text: named generically, never echoed.
    const names = [
      ...new Set(parsed.error.issues.map((i) => (i.code === 'unrecognized_keys' ? 'an unknown parameter' : String(i.path[0] ?? 'query')))),
    ];
    throw new AuditFeedError('AUDIT.FEED_QUERY_INVALID', `Invalid query parameter: ${names.join(', ')}.`);
  }
  const q = parsed.data;
  const types = typesOf(q.type);
  const limit = q.limit === undefined ? DEFAULT_FEED_PAGE_SIZE : Number(q.limit);
  if (limit > MAX_AUDIT_PAGE_SIZE) throw new AuditFeedError('AUDIT.FEED_QUERY_INVALID', `limit must be 1-${MAX_AUDIT_PAGE_SIZE}.`);
  const order = q.order ?? 'asc';
  const cursor = q.cursor === undefined ? undefined : decodeAuditCursor(q.cursor);
  if (q.cursor !== undefined && (cursor === undefined || cursor.order !== order)) {
    throw new AuditFeedError('AUDIT.FEED_QUERY_INVALID', 'cursor is not one this feed issued for this order.');
  }
  const from = q.from === undefined ? undefined : new Date(q.from);
  const to = q.to === undefined ? undefined : new Date(q.to);
  if (from !== undefined && to !== undefined && from >= to) throw new AuditFeedError('AUDIT.FEED_QUERY_INVALID', 'from must be before to.');
  return { types, resourceId: q.resourceId, from, to, order, limit, cursor };
}

function typesOf(raw: string | readonly string[] | undefined): readonly string[] {
  if (raw === undefined) return [...FEED_TYPES];
  const names = (typeof raw === 'string' ? [raw] : raw).flatMap((value) => value.split(',')).map((name) => name.trim());
  const resolved = resolveAuditEventTypes(names);
  const outside = resolved.ok ? resolved.types.filter((t) => !FEED_TYPES.has(t)) : resolved.unknown;
  if (!resolved.ok || outside.length > 0 || names.length === 0) {
    throw new AuditFeedError(
      'AUDIT.FEED_QUERY_INVALID',
      `type must name feed events: ${[...new Set(ISV_FEED_EVENTS.map((e) => e.topic))].join(', ')}.`,
    );
  }
  return resolved.types;
}
