import { Controller, Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission } from '@latchkey/access-guards';
import {
  AUDIT_OUTCOMES,
  AuditQueryRepository,
  encodeAuditCursor,
  exportedCheckpointLine,
  exportedEventLine,
  exportedEventRow,
  MAX_AUDIT_PAGE_SIZE,
  type AuditEventRecord,
  type ExportedEventRow,
  type UsageSummary,
} from '@latchkey/audit/data-access';
import { DEFAULT_AUDIT_PAGE_SIZE, MAX_USAGE_DAYS, parseEventsQuery, parseExportQuery, parseNoQuery, parseUsageQuery } from './audit-query-params';
import { NDJSON, ndjsonResponse } from './ndjson-stream';

/** One event of a page: the row as stored (as exported) and the facets derived from it. */
export type AuditEventItem = ExportedEventRow & { readonly facets: AuditEventRecord['facets'] };

const BAD_REQUEST =
  'BadArgument (UnknownQueryParameter, RepeatedQueryParameter, InvalidQueryParameter, UnknownEventType, InvalidCursor, InvalidRange)';

/** The filters shared by /events and its export, for the OpenAPI document. */
function FilterQueries(): MethodDecorator {
  const queries = [
    ApiQuery({
      name: 'type',
      required: false,
      description: 'Comma-separated event names: a topic (`lat.used`: every version) or a CloudEvents type.',
    }),
    ApiQuery({ name: 'isvId', required: false }),
    ApiQuery({ name: 'resourceId', required: false, description: 'A client resource id, compared case-insensitively.' }),
    ApiQuery({ name: 'jti', required: false }),
    ApiQuery({ name: 'personId', required: false }),
    ApiQuery({ name: 'outcome', required: false, enum: [...AUDIT_OUTCOMES] }),
    ApiQuery({ name: 'reason', required: false, description: 'An error code, e.g. `LAT.EXPIRED`.' }),
    ApiQuery({ name: 'traceId', required: false, description: 'A W3C trace id (32 hex digits).' }),
    ApiQuery({ name: 'from', required: false, description: 'ISO 8601 instant with offset; events at or after it.' }),
    ApiQuery({ name: 'to', required: false, description: 'ISO 8601 instant with offset; events before it.' }),
  ];
  return (target, key, descriptor) => {
    for (const decorate of queries) decorate(target, key, descriptor);
  };
}

/**
 * The operator's view of the audit store: filtered pages, a streaming
 * export that `latchkey audit verify --rows` checks, the checkpoints to
 * verify it against, and the daily usage per ISV and client. Read only;
 * behind the operator key like the issuer's admin API.
 */
@AdminApi()
@Controller('admin/v1/audit')
export class AuditQueryController {
  constructor(private readonly events: AuditQueryRepository) {}

  @Get('events')
  @AdminPermission('audit.events:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Stored events matching every filter given, a page at a time (keyset over the chain order)' })
  @FilterQueries()
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'], description: 'By `seq` (chain order); default asc.' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${MAX_AUDIT_PAGE_SIZE}, default ${DEFAULT_AUDIT_PAGE_SIZE}.` })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `nextCursor` of the previous page, with the same order.' })
  @ApiResponse({
    status: 200,
    description:
      '{ items: [{ seq, event_id, type, topic, source, subject, time, traceparent, data, received_at, prev_hash, hash, facets }], nextCursor }',
  })
  @ApiResponse({ status: 400, description: BAD_REQUEST })
  async list(@Query() query: unknown): Promise<{ items: AuditEventItem[]; nextCursor: string | null }> {
    const { filter, ...page } = parseEventsQuery(query);
    const result = await this.events.page(filter, page);
    return {
      items: result.items.map((record) => ({ ...exportedEventRow(record), facets: record.facets })),
      nextCursor: result.next === null ? null : encodeAuditCursor(result.next),
    };
  }

  @Get('events/export')
  @AdminPermission('audit.events:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary:
      'Every matching stored row, oldest first, one per line, up to the head when the export started; unfiltered, it verifies with `latchkey audit verify --rows` (export the checkpoints first)',
  })
  @FilterQueries()
  @ApiProduces(NDJSON)
  @ApiResponse({
    status: 200,
    description: 'NDJSON: { seq, event_id, type, topic, source, subject, time, traceparent, data, received_at, prev_hash, hash } per line',
  })
  @ApiResponse({ status: 400, description: BAD_REQUEST })
  exportEvents(@Query() query: unknown): Promise<StreamableFile> {
    const filter = parseExportQuery(query);
    return ndjsonResponse(mapAsync(this.events.stream(filter), exportedEventLine), 'audit-events.ndjson');
  }

  @Get('checkpoints/export')
  @AdminPermission('audit.events:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Every signed checkpoint, oldest first, one per line; `latchkey audit verify --checkpoints` reads it' })
  @ApiProduces(NDJSON)
  @ApiResponse({ status: 200, description: 'NDJSON: { seq, tree_size, head_hash, token, created_at } per line' })
  @ApiResponse({ status: 400, description: 'BadArgument (UnknownQueryParameter): this route takes no parameters' })
  exportCheckpoints(@Query() query: unknown): Promise<StreamableFile> {
    parseNoQuery(query);
    return ndjsonResponse(mapAsync(this.events.streamCheckpoints(), exportedCheckpointLine), 'audit-checkpoints.ndjson');
  }

  @Get('usage')
  @AdminPermission('audit.usage:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Issued, used and denied (by feature flag and by reason) per ISV, client resource and UTC day' })
  @ApiQuery({ name: 'from', required: true, description: 'First UTC day, YYYY-MM-DD.' })
  @ApiQuery({ name: 'to', required: true, description: `Last UTC day, YYYY-MM-DD (included; at most ${MAX_USAGE_DAYS} days in all).` })
  @ApiQuery({ name: 'isvId', required: false })
  @ApiQuery({ name: 'resourceId', required: false, description: 'Compared case-insensitively.' })
  @ApiResponse({
    status: 200,
    description: '{ from, to, usage: [{ day, isvId, resourceId, issued, used, denied, deniedByFeature, deniedByReason, usedByFeature }] }',
  })
  @ApiResponse({ status: 400, description: BAD_REQUEST })
  async usage(@Query() query: unknown): Promise<{ from: string; to: string; usage: UsageSummary[] }> {
    const usage = parseUsageQuery(query);
    const lastDay = new Date(usage.to.getTime() - 86_400_000);
    return { from: usage.from.toISOString().slice(0, 10), to: lastDay.toISOString().slice(0, 10), usage: await this.events.usage(usage) };
  }
}

async function* mapAsync<T, U>(source: AsyncIterable<T>, map: (item: T) => U): AsyncGenerator<U> {
  for await (const item of source) yield map(item);
}
