import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Database } from '@latchkey/persistence';
import type { AuditLogEvidence, SequencedChainRow } from './audit-verification';

const ROWS_SQL = 'SELECT seq, event_id, type, topic, source, subject, time, data, prev_hash, hash FROM audit.events ORDER BY seq';
const CHECKPOINTS_SQL = 'SELECT token FROM audit.checkpoints ORDER BY seq';

/** A row as PostgreSQL or an export gives it (`seq` may come as a string: bigint). */
function sequenced(raw: Record<string, unknown>): SequencedChainRow {
  return { ...(raw as unknown as SequencedChainRow), seq: Number(raw['seq']) };
}

/**
 * The rows and checkpoints of a live store, read in one REPEATABLE READ
 * transaction: one snapshot, so a checkpoint signed meanwhile cannot name
 * rows the read missed, and ingestion is not blocked while it runs.
 */
export async function readEvidenceFromDatabase(db: Database): Promise<AuditLogEvidence> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    return readEvidence(tx);
  });
}

/** The rows and checkpoints as `sql` sees them (inside a caller's transaction, e.g. one holding the chain's lock). */
export async function readEvidence(sql: Pick<Database, 'query'>): Promise<AuditLogEvidence> {
  const rows = (await sql.query<Record<string, unknown>>(ROWS_SQL)).map(sequenced);
  const checkpoints = (await sql.query<{ token: string }>(CHECKPOINTS_SQL)).map((c) => c.token);
  return { rows, checkpoints };
}

/** A line of an export that is not what it should be: named by file and line, never by content. */
export class EvidenceFormatError extends Error {
  constructor(file: string, line: number, what: string) {
    super(`${file}:${line}: ${what}`);
    this.name = 'EvidenceFormatError';
  }
}

async function* lines(file: string): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() !== '') yield { line, text };
  }
}

/**
 * An export: `rowsFile` holds one stored row per line (NDJSON, the columns
 * of audit.events), `checkpointsFile` one checkpoint per line, either the
 * compact JWS itself or an NDJSON object with a `token` (or `checkpoint`)
 * member, as the audit.checkpoint topic carries it.
 */
export async function readEvidenceFromNdjson(rowsFile: string, checkpointsFile: string): Promise<AuditLogEvidence> {
  const rows: SequencedChainRow[] = [];
  for await (const { line, text } of lines(rowsFile)) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new EvidenceFormatError(rowsFile, line, 'not a JSON object');
    }
    if (typeof raw !== 'object' || raw === null || typeof (raw as Record<string, unknown>)['hash'] !== 'string') {
      throw new EvidenceFormatError(rowsFile, line, 'not a stored audit row (no hash)');
    }
    rows.push(sequenced(raw as Record<string, unknown>));
  }
  const checkpoints: string[] = [];
  for await (const { line, text } of lines(checkpointsFile)) {
    const trimmed = text.trim();
    if (!trimmed.startsWith('{')) {
      checkpoints.push(trimmed);
      continue;
    }
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      throw new EvidenceFormatError(checkpointsFile, line, 'not a JSON object');
    }
    const token = raw['token'] ?? raw['checkpoint'];
    if (typeof token !== 'string') throw new EvidenceFormatError(checkpointsFile, line, 'no token or checkpoint member');
    checkpoints.push(token);
  }
  return { rows: rows.sort((a, b) => a.seq - b.seq), checkpoints };
}
