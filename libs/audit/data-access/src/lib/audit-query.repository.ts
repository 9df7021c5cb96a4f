import { Injectable } from '@nestjs/common';
import { Database } from '@latchkey/persistence';
import type { AuditCursor, AuditOrder } from './audit-cursor';
import type { AuditOutcome } from './audit-facets';
import { foldUsage, USAGE_TYPES, type UsageCountRow, type UsageSummary } from './audit-usage';

/**
 * What to select from the chain; every field narrows (AND). Values are
 * compared exactly, but `resourceId`, which is compared case-insensitively
 * (Azure resource ids are). `types` are CloudEvents types (see
 * `resolveAuditEventTypes` for short names).
 */
export interface AuditEventFilter {
  readonly types?: readonly string[];
  readonly isvId?: string;
  readonly resourceId?: string;
  readonly jti?: string;
  readonly personId?: string;
  readonly outcome?: AuditOutcome;
  readonly reason?: string;
  readonly traceId?: string;
  /** Inclusive lower bound on the event's `time`. */
  readonly from?: Date;
  /** Exclusive upper bound on the event's `time`. */
  readonly to?: Date;
}

/** One stored event: the chained columns as stored, and the facets PostgreSQL derived from them. */
export interface AuditEventRecord {
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  readonly topic: string;
  readonly source: string;
  readonly subject: string | null;
  readonly time: Date;
  readonly traceparent: string | null;
  readonly data: unknown;
  readonly receivedAt: Date;
  readonly prevHash: string;
  readonly hash: string;
  readonly facets: {
    readonly isvId: string | null;
    readonly resourceId: string | null;
    readonly jti: string | null;
    readonly personId: string | null;
    readonly outcome: AuditOutcome | null;
    readonly reason: string | null;
    readonly traceId: string | null;
  };
}

/** A page of events and, when more match, the cursor of the next one. */
export interface AuditEventPage {
  readonly items: readonly AuditEventRecord[];
  readonly next: AuditCursor | null;
}

/** A stored checkpoint as exported (the verifier reads `token`). */
export interface AuditCheckpointRecord {
  readonly seq: number;
  readonly treeSize: number;
  readonly headHash: string;
  readonly token: string;
  readonly createdAt: Date;
}

/** The largest page a caller may ask for; also the export's page size. */
export const MAX_AUDIT_PAGE_SIZE = 1000;

/**
 * The instants a query may name as a bound: no event is older than the Unix
 * epoch, and PostgreSQL refuses what JavaScript can still express (year 0,
 * or past 9999 once the driver writes a six-digit year), which would
 * otherwise fail the query with a 500 instead of a refusal.
 */
export const AUDIT_QUERY_TIME_RANGE = { min: new Date('1970-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z') } as const;

/** Whether `instant` is within {@link AUDIT_QUERY_TIME_RANGE}. */
export function isQueryableInstant(instant: Date): boolean {
  const time = instant.getTime();
  return time >= AUDIT_QUERY_TIME_RANGE.min.getTime() && time <= AUDIT_QUERY_TIME_RANGE.max.getTime();
}

interface EventRow extends Record<string, unknown> {
  seq: string | number;
  event_id: string;
  type: string;
  topic: string;
  source: string;
  subject: string | null;
  time: Date;
  traceparent: string | null;
  data: unknown;
  received_at: Date;
  prev_hash: string;
  hash: string;
  isv_id: string | null;
  resource_id: string | null;
  jti: string | null;
  person_id: string | null;
  outcome: string | null;
  reason: string | null;
  trace_id: string | null;
}

const EVENT_COLUMNS =
  'seq, event_id, type, topic, source, subject, time, traceparent, data, received_at, prev_hash, hash, ' +
  'isv_id, resource_id, jti, person_id, outcome, reason, trace_id';

function toRecord(row: EventRow): AuditEventRecord {
  return {
    seq: Number(row.seq),
    eventId: row.event_id,
    type: row.type,
    topic: row.topic,
    source: row.source,
    subject: row.subject,
    time: new Date(row.time),
    traceparent: row.traceparent,
    data: row.data,
    receivedAt: new Date(row.received_at),
    prevHash: row.prev_hash,
    hash: row.hash,
    facets: {
      isvId: row.isv_id,
      resourceId: row.resource_id,
      jti: row.jti,
      personId: row.person_id,
      outcome: row.outcome as AuditOutcome | null,
      reason: row.reason,
      traceId: row.trace_id,
    },
  };
}

/** Collects the WHERE conditions of a query and their `$n` parameters (values never enter the SQL text). */
class Conditions {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  add(sql: (placeholder: string) => string, value: unknown): void {
    this.params.push(value);
    this.parts.push(sql(`$${this.params.length}`));
  }

  addIf(column: string, value: string | undefined): void {
    if (value !== undefined) this.add((p) => `${column} = ${p}`, value);
  }

  get sql(): string {
    return this.parts.length === 0 ? 'TRUE' : this.parts.join(' AND ');
  }
}

function filterConditions(filter: AuditEventFilter): Conditions {
  const where = new Conditions();
  if (filter.types !== undefined) where.add((p) => `type = ANY(${p}::text[])`, [...filter.types]);
  where.addIf('isv_id', filter.isvId);
  where.addIf('resource_id', filter.resourceId?.toLowerCase());
  where.addIf('jti', filter.jti);
  where.addIf('person_id', filter.personId);
  where.addIf('outcome', filter.outcome);
  where.addIf('reason', filter.reason);
  where.addIf('trace_id', filter.traceId);
  if (filter.from !== undefined) where.add((p) => `time >= ${p}`, filter.from.toISOString());
  if (filter.to !== undefined) where.add((p) => `time < ${p}`, filter.to.toISOString());
  return where;
}

/**
 * Reads the event store for operators and feeds: filtered, keyset-paginated
 * pages over `seq` (stable under concurrent appends: rows only ever come
 * after the head, and a cursor never skips or repeats one), a paged stream of
 * everything that matches (exports), the checkpoints, and the daily usage
 * summary. Read only; every value travels as a parameter.
 */
@Injectable()
export class AuditQueryRepository {
  constructor(private readonly db: Database) {}

  /** Up to `limit` matching events after `cursor` (or from the start), in `order` of `seq`. */
  async page(
    filter: AuditEventFilter,
    options: { readonly limit: number; readonly order: AuditOrder; readonly cursor?: AuditCursor },
  ): Promise<AuditEventPage> {
    const { limit, order, cursor } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE_SIZE) throw new RangeError(`limit must be 1-${MAX_AUDIT_PAGE_SIZE}`);
    if (cursor !== undefined && cursor.order !== order) throw new RangeError('the cursor was issued for the other order');
    const where = filterConditions(filter);
    if (cursor !== undefined) where.add((p) => `seq ${order === 'asc' ? '>' : '<'} ${p}`, cursor.seq);
    where.params.push(limit + 1);
    // One row more than asked tells whether another page exists without a count.
    const rows = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM audit.events WHERE ${where.sql} ORDER BY seq ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${where.params.length}`,
      where.params,
    );
    const items = rows.slice(0, limit).map(toRecord);
    const last = items.at(-1);
    return { items, next: rows.length > limit && last !== undefined ? { seq: last.seq, order } : null };
  }

  /**
   * Every matching event in chain order, read a page at a time (memory stays
   * bounded whatever the table holds). It stops at the head as it was when
   * the stream started, so an export is a fixed set even while ingestion goes on.
   */
  async *stream(filter: AuditEventFilter, pageSize = MAX_AUDIT_PAGE_SIZE): AsyncGenerator<AuditEventRecord> {
    const [head] = await this.db.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM audit.events');
    if (head?.seq === null || head?.seq === undefined) return;
    const through = Number(head.seq);
    let cursor: AuditCursor | undefined;
    for (;;) {
      const page = await this.page({ ...filter }, { limit: pageSize, order: 'asc', cursor });
      for (const item of page.items) {
        if (item.seq > through) return;
        yield item;
      }
      if (page.next === null) return;
      cursor = page.next;
    }
  }

  /** Every checkpoint, oldest first, read a page at a time. */
  async *streamCheckpoints(pageSize = MAX_AUDIT_PAGE_SIZE): AsyncGenerator<AuditCheckpointRecord> {
    let after = 0;
    for (;;) {
      const rows = await this.db.query<{ seq: string | number; tree_size: string | number; head_hash: string; token: string; created_at: Date }>(
        'SELECT seq, tree_size, head_hash, token, created_at FROM audit.checkpoints WHERE seq > $1 ORDER BY seq LIMIT $2',
        [after, pageSize],
      );
      for (const row of rows) {
        after = Number(row.seq);
        yield { seq: after, treeSize: Number(row.tree_size), headHash: row.head_hash, token: row.token, createdAt: new Date(row.created_at) };
      }
      if (rows.length < pageSize) return;
    }
  }

  /**
   * Issued, used and denied per ISV, client resource and UTC day over
   * [from, to), from lat.issued, lat.used, lat.issue-denied and
   * lat.rejected (see `foldUsage` for the breakdowns).
   */
  async usage(query: { readonly from: Date; readonly to: Date; readonly isvId?: string; readonly resourceId?: string }): Promise<UsageSummary[]> {
    const where = filterConditions({ types: USAGE_TYPES, from: query.from, to: query.to, isvId: query.isvId, resourceId: query.resourceId });
    // The flags of an issuance denial are the requested ones (an array); every other event names at most one.
    const rows = await this.db.query<UsageCountRow>(
      `SELECT isv_id, resource_id, to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, type, feature, reason,
              GROUPING(feature) AS no_feature, GROUPING(reason) AS no_reason, count(DISTINCT seq) AS n
         FROM audit.events
         LEFT JOIN LATERAL (
           SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(data->'requestedFeatures') = 'array' THEN data->'requestedFeatures' END) AS feature
           UNION ALL SELECT data->>'feature' WHERE data ? 'feature'
         ) flags ON TRUE
        WHERE ${where.sql}
        GROUP BY GROUPING SETS ((isv_id, resource_id, day, type), (isv_id, resource_id, day, type, feature), (isv_id, resource_id, day, type, reason))`,
      where.params,
    );
    return foldUsage(rows);
  }
}
