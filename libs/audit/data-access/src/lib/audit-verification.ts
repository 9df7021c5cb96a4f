import { CheckpointSequenceError, verifyCheckpointSequence, type VerificationKeys } from '@latchkey/tokens';
import { chainHash, GENESIS_HASH, type StoredChainRow } from './audit-chain';

/** A stored row with its place in the chain: `seq` numbers rows 1..n as they were appended (AuditEventRepository). */
export interface SequencedChainRow extends StoredChainRow {
  readonly seq: number;
}

/** What a signed checkpoint commits to (its signature is checked before it gets here). */
export interface ChainCheckpoint {
  /** Rows in the chain when it was taken: the `seq` of its head row. */
  readonly treeSize: number;
  /** The `hash` of row `treeSize`, or the genesis hash for an empty chain. */
  readonly headHash: string;
}

/** How a store fails verification, and where. */
export type ChainTampering =
  /** The row's content no longer produces its hash (edited in place). */
  | 'modified'
  /** The row's content and hash were both rewritten: its successor still points at the original hash. */
  | 'rewritten'
  /** The row does not belong: the rows around it link to each other, not to it. */
  | 'inserted'
  /** The row links to a row that comes later in the stored order. */
  | 'reordered'
  /** Rows are missing before this one (a gap in `seq`, and a link to a hash no row has). */
  | 'deleted'
  /** Fewer rows than a checkpoint counted: the tail was cut. */
  | 'truncated'
  /** The chain is consistent but does not reach a checkpoint's head: rows up to it were recomputed. */
  | 'diverged';

export type ChainVerdict =
  | {
      readonly ok: true;
      readonly rows: number;
      /** Rows covered by the latest checkpoint; the rest (appended since) is linked but not yet signed. */
      readonly anchored: number;
      /** Rows 1..prunedThrough were removed by retention, at a signed checkpoint (0: none). */
      readonly prunedThrough: number;
    }
  | {
      readonly ok: false;
      readonly tampering: ChainTampering;
      /** The first bad row (for `truncated` and `diverged`: the checkpoint's last row), by `seq`, and its event id when there is a row. */
      readonly seq: number;
      readonly eventId: string | null;
      /** One sentence for a human, naming what was expected. */
      readonly detail: string;
    };

/**
 * Re-walks a stored audit chain in `seq` order from the genesis hash and
 * names the first place it is broken, or confirms it: every row's content
 * produces its hash, every row links to its predecessor, and every
 * checkpoint (taken from the database or an export, signatures already
 * checked) finds its head hash at its tree size. The kind of tampering is
 * read off where the broken link points: to a row two back (the one
 * between was inserted), to a later row (reordered), or to no row at all
 * (deleted, when `seq` jumps; rewritten, when it does not).
 *
 * A chain alone cannot reveal a row appended at the tail or a tail cut
 * off; the checkpoints can, up to the latest one (`anchored`).
 */
export function verifyChain(rows: readonly SequencedChainRow[], checkpoints: readonly ChainCheckpoint[] = []): ChainVerdict {
  const position = new Map<string, number>();
  rows.forEach((row, index) => position.set(row.hash, index));
  // After retention pruned the oldest rows, the chain starts at a row a signed checkpoint names as its head:
  // that row's link to its (pruned) predecessor is taken on the checkpoint's word; its content is still checked.
  let prev = pruneAnchor(rows, checkpoints)?.prev_hash ?? GENESIS_HASH;
  for (const [index, row] of rows.entries()) {
    const recomputed = chainHash(row.prev_hash, {
      eventId: row.event_id,
      type: row.type,
      topic: row.topic,
      source: row.source,
      subject: row.subject,
      time: new Date(row.time).toISOString(),
      data: row.data,
    });
    if (recomputed !== row.hash) return broken('modified', row, `row ${row.seq} does not produce its stored hash: its content was changed`);
    if (row.prev_hash !== prev) return brokenLink(rows, index, position);
    prev = row.hash;
  }
  return checkpointVerdict(rows, checkpoints);
}

/** Row `index` is internally consistent but does not follow row `index - 1`: say why. */
function brokenLink(rows: readonly SequencedChainRow[], index: number, position: ReadonlyMap<string, number>): ChainVerdict {
  const row = rows[index]!;
  const before = rows[index - 1];
  const target = position.get(row.prev_hash);
  if (target !== undefined && target > index) {
    return broken('reordered', row, `row ${row.seq} links to row ${rows[target]!.seq}, which is stored after it`);
  }
  if (target !== undefined && before !== undefined) {
    // It links back past the rows just before it: those were put in between.
    const intruder = rows[target + 1]!;
    return broken('inserted', intruder, `row ${intruder.seq} is not part of the chain: row ${row.seq} links to row ${rows[target]!.seq} before it`);
  }
  const gap = before === undefined ? row.seq > 1 : row.seq > before.seq + 1;
  if (gap && before === undefined) {
    return broken('deleted', row, `rows 1–${row.seq - 1} are missing, and no signed checkpoint ends at row ${row.seq} to anchor a retention prune`);
  }
  if (gap) {
    return broken('deleted', row, `rows ${before!.seq + 1}–${row.seq - 1} are missing: row ${row.seq} links to a hash no stored row has`);
  }
  if (before === undefined) return broken('inserted', row, `row ${row.seq} is first but does not start from the genesis hash`);
  // Links to nothing, seq unbroken: either this row was slipped in (the next row links past it)...
  if (rows[index + 1]?.prev_hash === before.hash) {
    return broken('inserted', row, `row ${row.seq} is not part of the chain: row ${rows[index + 1]!.seq} links to row ${before.seq} before it`);
  }
  // ...or the row before it got a new hash, and this row still links to the original.
  return broken('rewritten', before, `row ${before.seq} was rewritten with a new hash: row ${row.seq} still links to its original`);
}

/** The index of the first row that breaks the chain, -1 when it verifies (rows in stored order; see verifyChain). */
export function firstBrokenLink(rows: readonly StoredChainRow[]): number {
  const verdict = verifyChain(rows.map((row, index) => ({ ...row, seq: index + 1 })));
  return verdict.ok ? -1 : verdict.seq - 1;
}

/**
 * The first row, when the rows before it were pruned at a checkpoint: it
 * does not start the chain (seq > 1) and a signed checkpoint counted
 * exactly up to it, with its hash as the head. Otherwise undefined (and a
 * first row with seq > 1 is a deletion).
 */
function pruneAnchor(rows: readonly SequencedChainRow[], checkpoints: readonly ChainCheckpoint[]): SequencedChainRow | undefined {
  const first = rows[0];
  if (first === undefined || first.seq <= 1) return undefined;
  return checkpoints.some((c) => c.treeSize === first.seq && c.headHash === first.hash) ? first : undefined;
}

function checkpointVerdict(rows: readonly SequencedChainRow[], checkpoints: readonly ChainCheckpoint[]): ChainVerdict {
  // A checkpoint's tree size is the seq of its head row (rows are numbered 1..n as appended).
  const bySeq = new Map(rows.map((row) => [row.seq, row]));
  const lastSeq = rows.at(-1)?.seq ?? 0;
  // Checkpoints of the pruned prefix have no rows left to compare with (their signatures and links were checked).
  const firstSeq = pruneAnchor(rows, checkpoints)?.seq ?? 0;
  let anchored = 0;
  for (const checkpoint of [...checkpoints].filter((c) => c.treeSize >= firstSeq).sort((a, b) => a.treeSize - b.treeSize)) {
    if (checkpoint.treeSize > lastSeq) {
      return {
        ok: false,
        tampering: 'truncated',
        seq: checkpoint.treeSize,
        eventId: null,
        detail: `a checkpoint counted ${checkpoint.treeSize} rows; the store ends at ${lastSeq}`,
      };
    }
    const head = checkpoint.treeSize === 0 ? undefined : bySeq.get(checkpoint.treeSize);
    if ((head?.hash ?? GENESIS_HASH) !== checkpoint.headHash) {
      return {
        ok: false,
        tampering: 'diverged',
        seq: checkpoint.treeSize,
        eventId: head?.event_id ?? null,
        detail: `row ${checkpoint.treeSize} does not carry the head hash its checkpoint signed: a row after ${anchored} was changed and the chain recomputed from it`,
      };
    }
    anchored = checkpoint.treeSize;
  }
  return { ok: true, rows: rows.length, anchored, prunedThrough: Math.max(0, firstSeq - 1) };
}

function broken(tampering: ChainTampering, row: SequencedChainRow, detail: string): ChainVerdict {
  return { ok: false, tampering, seq: row.seq, eventId: row.event_id, detail };
}

/** A whole audit log to check: its rows in stored order and its checkpoints in signing order. */
export interface AuditLogEvidence {
  readonly rows: readonly SequencedChainRow[];
  /** Compact JWS checkpoints (`lk-audit-checkpoint+jwt`), oldest first. */
  readonly checkpoints: readonly string[];
}

/** The verdict on a log, with the checkpoint that failed when the checkpoints themselves do not verify. */
export type AuditLogVerdict =
  | ChainVerdict
  | { readonly ok: false; readonly tampering: 'checkpoint'; readonly checkpoint: number; readonly detail: string };

/**
 * Verifies an audit log with nothing but the audit service's public keys:
 * first the checkpoints (signatures, links, growing tree), then the chain
 * against them (verifyChain). This is what `latchkey audit verify` runs
 * over the database or an NDJSON export.
 */
export async function verifyAuditLog(
  evidence: AuditLogEvidence,
  trust: { readonly keys: VerificationKeys; readonly issuer: string },
): Promise<AuditLogVerdict> {
  let claims;
  try {
    claims = await verifyCheckpointSequence(evidence.checkpoints, trust);
  } catch (error) {
    if (!(error instanceof CheckpointSequenceError)) throw error;
    return { ok: false, tampering: 'checkpoint', checkpoint: error.index + 1, detail: error.message };
  }
  return verifyChain(
    evidence.rows,
    claims.map((c) => ({ treeSize: c.tree_size, headHash: c.head_hash })),
  );
}
