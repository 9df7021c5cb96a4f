import { Injectable } from '@nestjs/common';
import { Database, type Transaction } from '@latchkey/persistence';
import { canonicalEvent, GENESIS_HASH, type ChainedEvent } from './audit-chain';

/** Serialises appends so the chain never forks: one writer extends it at a time (exported for tools that must read a still chain). */
export const AUDIT_CHAIN_LOCK = 0x4c4b4155; // "LKAU"

interface HeadRow extends Record<string, unknown> {
  seq: string | number;
  hash: string;
}

/** The chain's head: how many rows it holds (rows are numbered 1..treeSize, no gaps) and the last row's hash. */
export interface ChainHead {
  readonly treeSize: number;
  readonly headHash: string;
}

/** One event as the ingest hands it over: what the chain commits to, plus the trace context it is stored with. */
export interface AuditRecord extends ChainedEvent {
  readonly traceparent: string | null;
}

/**
 * The time column reads back as toISOString(); hash that same form, or a
 * row whose event said `+02:00` or microseconds could never re-verify.
 */
function normaliseTime(record: AuditRecord): AuditRecord {
  return { ...record, time: new Date(record.time).toISOString() };
}

function uniqueById(records: readonly AuditRecord[]): AuditRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(r.eventId) && seen.add(r.eventId));
}

function withoutTraceparent({ traceparent: _traceparent, ...chained }: AuditRecord): ChainedEvent {
  return chained;
}

/** The event's columns of its row as a JSON object, named as the table's columns (the database adds the chain's columns under the lock). */
function columnsJson(event: AuditRecord): string {
  return JSON.stringify({
    event_id: event.eventId,
    type: event.type,
    topic: event.topic,
    source: event.source,
    subject: event.subject,
    time: event.time,
    traceparent: event.traceparent,
    data: event.data,
  });
}

/**
 * The append-only event store. An append checks for the event ids, links the
 * rows to the current head and inserts them, all in one statement under an
 * advisory lock (`audit.append_events`, migration 0004): a redelivered event is stored once, and concurrent
 * ingesters (replicas) extend one chain. Rows are numbered by the append
 * itself (head + 1), not by the column's sequence, which skips numbers on a
 * rolled-back insert: so `seq` is the row's position in the chain, and a
 * checkpoint's tree size names its head row.
 */
@Injectable()
export class AuditEventRepository {
  constructor(private readonly db: Database) {}

  /** Appends the event unless it is stored already; returns true when appended. */
  async append(received: AuditRecord): Promise<boolean> {
    return (await this.appendBatch([received])) === 1;
  }

  /**
   * Appends the events that are not stored yet, in the given order, in one
   * statement: one lock, one look-up of the ids, one insert of every row.
   * An id repeated within the batch is stored once (the first). Returns how
   * many rows were appended. All or nothing: a row the database refuses
   * rolls back the whole batch.
   */
  async appendBatch(received: readonly AuditRecord[]): Promise<number> {
    // The canonical JSON (the costly part of a hash, and one PostgreSQL cannot produce) and each row's
    // JSON are built here; the lock, the id check, the head and the hash chaining happen in the database.
    const rows = uniqueById(received.map(normaliseTime)).map(
      (event) => `{"canonical":${JSON.stringify(canonicalEvent(withoutTraceparent(event)))},${columnsJson(event).slice(1)}`,
    );
    if (rows.length === 0) return 0;
    // One statement in autocommit (migration 0004_append_function): the chain's lock is held only while
    // the database appends, never while a reply waits for this process's event loop.
    const [result] = await this.db.query<{ appended: number }>('SELECT audit.append_events($1::jsonb, $2::bigint) AS appended', [
      `[${rows.join(',')}]`,
      AUDIT_CHAIN_LOCK,
    ]);
    return Number(result?.appended ?? 0);
  }

  /** The chain's head as `tx` sees it (callers hold the chain lock when it must not move). */
  async head(tx: Pick<Database, 'query'> = this.db): Promise<ChainHead> {
    const [head] = await tx.query<HeadRow>('SELECT seq, hash FROM audit.events ORDER BY seq DESC LIMIT 1');
    return head ? { treeSize: Number(head.seq), headHash: head.hash } : { treeSize: 0, headHash: GENESIS_HASH };
  }

  /** Runs `work` holding the chain's lock: no row is appended meanwhile (checkpoints read a head that stays the head). */
  withChainLocked<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
      return work(tx);
    });
  }

  /** Stored events in chain order, for verification and tests. */
  async list(limit = 1000): Promise<{ eventId: string; type: string; prevHash: string; hash: string }[]> {
    const rows = await this.db.query<{ event_id: string; type: string; prev_hash: string; hash: string }>(
      'SELECT event_id, type, prev_hash, hash FROM audit.events ORDER BY seq LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({ eventId: r.event_id, type: r.type, prevHash: r.prev_hash, hash: r.hash }));
  }
}
