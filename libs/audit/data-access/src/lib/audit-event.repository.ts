import { Injectable } from '@nestjs/common';
import { Database, type Transaction } from '@latchkey/persistence';
import { chainHash, GENESIS_HASH, type ChainedEvent } from './audit-chain';

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

/**
 * The append-only event store. An append checks for the event id, links the
 * row to the current head and inserts it, all in one transaction under an
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
  async append(received: ChainedEvent & { readonly traceparent: string | null }): Promise<boolean> {
    // The time column reads back as toISOString(); hash that same form, or a
    // row whose event said `+02:00` or microseconds could never re-verify.
    const event = { ...received, time: new Date(received.time).toISOString() };
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
      const seen = await tx.query('SELECT 1 FROM audit.events WHERE event_id = $1', [event.eventId]);
      if (seen.length > 0) return false;
      const head = await this.head(tx);
      const prevHash = head.headHash;
      const { traceparent, ...chained } = event;
      await tx.query(
        `INSERT INTO audit.events (seq, event_id, type, topic, source, subject, time, traceparent, data, prev_hash, hash)
         VALUES ($11, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          event.eventId,
          event.type,
          event.topic,
          event.source,
          event.subject,
          event.time,
          traceparent,
          JSON.stringify(event.data),
          prevHash,
          chainHash(prevHash, chained),
          head.treeSize + 1,
        ],
      );
      return true;
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
