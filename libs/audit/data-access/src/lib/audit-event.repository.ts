import { Injectable } from '@nestjs/common';
import { Database, type Transaction } from '@latchkey/persistence';
import { canonicalEvent, chainHashOf, GENESIS_HASH, type ChainedEvent } from './audit-chain';

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

/** The event's columns of its row as a JSON object, named as the table's columns (the chain's columns are added under the lock). */
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
 * Links `events` to the chain after `head`: positions head+1, head+2, … and
 * each row's hash over its predecessor's. Returns each row as a JSON object
 * (the chain's columns, then the event's: hashes are hex and need no escaping).
 */
function chainRows(head: ChainHead, events: readonly { canonical: string; columns: string }[]): string[] {
  let prevHash = head.headHash;
  return events.map(({ canonical, columns }, i) => {
    const hash = chainHashOf(prevHash, canonical);
    const row = `{"seq":${head.treeSize + 1 + i},"prev_hash":"${prevHash}","hash":"${hash}",${columns.slice(1)}`;
    prevHash = hash;
    return row;
  });
}

/**
 * The append-only event store. An append checks for the event ids, links the
 * rows to the current head and inserts them, all in one transaction under an
 * advisory lock: a redelivered event is stored once, and concurrent
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
   * transaction: one lock, one look-up of the ids, one insert of every row.
   * An id repeated within the batch is stored once (the first). Returns how
   * many rows were appended. All or nothing: a row the database refuses
   * rolls back the whole batch.
   */
  async appendBatch(received: readonly AuditRecord[]): Promise<number> {
    // What does not depend on the head is done before the lock: the canonical JSON (the costly part of a
    // hash) and the row's JSON for the insert. Under the lock only the hashes are chained.
    const events = uniqueById(received.map(normaliseTime)).map((event) => ({
      event,
      canonical: canonicalEvent(withoutTraceparent(event)),
      columns: columnsJson(event),
    }));
    if (events.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
      const seen = await tx.query<{ event_id: string }>(
        'SELECT event_id FROM audit.events WHERE event_id IN (SELECT jsonb_array_elements_text($1::jsonb))',
        [JSON.stringify(events.map((e) => e.event.eventId))],
      );
      const stored = new Set(seen.map((row) => row.event_id));
      const fresh = events.filter((e) => !stored.has(e.event.eventId));
      if (fresh.length === 0) return 0;
      const rows = chainRows(await this.head(tx), fresh);
      // One statement and one parameter for the whole batch: a JSON array of rows, which PostgreSQL
      // parses into records itself (no per-value escaping of a dozen array parameters). `received_at`
      // is the insert's own clock (not the transaction's start), the moment the lag benchmark measures to.
      await tx.query(
        `INSERT INTO audit.events (seq, event_id, type, topic, source, subject, time, traceparent, data, prev_hash, hash, received_at)
         SELECT seq, event_id, type, topic, source, subject, time, traceparent, data, prev_hash, hash, clock_timestamp()
           FROM jsonb_to_recordset($1::jsonb)
             AS r(seq bigint, event_id text, type text, topic text, source text, subject text, time timestamptz, traceparent text, data jsonb, prev_hash text, hash text)`,
        [`[${rows.join(',')}]`],
      );
      return rows.length;
    });
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
