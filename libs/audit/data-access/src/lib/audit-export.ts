import type { AuditCheckpointRecord, AuditEventRecord } from './audit-query.repository';

/** A stored row as exported: its stored columns under their column names, `seq` a number, times as ISO strings. */
export interface ExportedEventRow {
  readonly seq: number;
  readonly event_id: string;
  readonly type: string;
  readonly topic: string;
  readonly source: string;
  readonly subject: string | null;
  readonly time: string;
  readonly traceparent: string | null;
  readonly data: unknown;
  readonly received_at: string;
  readonly prev_hash: string;
  readonly hash: string;
}

/**
 * An event as exported: the row's stored columns (what
 * `readEvidenceFromNdjson` reads back and `latchkey audit verify --rows`
 * checks), without the generated facets, which the chain does not cover.
 */
export function exportedEventRow(record: AuditEventRecord): ExportedEventRow {
  return {
    seq: record.seq,
    event_id: record.eventId,
    type: record.type,
    topic: record.topic,
    source: record.source,
    subject: record.subject,
    time: record.time.toISOString(),
    traceparent: record.traceparent,
    data: record.data,
    received_at: record.receivedAt.toISOString(),
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

/** {@link exportedEventRow} as one NDJSON line. */
export function exportedEventLine(record: AuditEventRecord): string {
  return `${JSON.stringify(exportedEventRow(record))}\n`;
}

/** A checkpoint as one NDJSON line: `{ token, … }`, which `latchkey audit verify --checkpoints` reads. */
export function exportedCheckpointLine(record: AuditCheckpointRecord): string {
  return `${JSON.stringify({
    seq: record.seq,
    tree_size: record.treeSize,
    head_hash: record.headHash,
    token: record.token,
    created_at: record.createdAt.toISOString(),
  })}\n`;
}
