/**
 * Where `audit verify` gets its evidence: the audit database (one
 * snapshot), an NDJSON export on disk, or the audit service's export API
 * (streamed, with progress).
 *
 * The verifier and the readers live in @latchkey/audit/data-access (pure
 * functions over rows; the service runs them too). The CLI is tagged
 * type:tool, which the dependency matrix (eslint.config.mjs) lets read
 * stores through data-access libs.
 */
import {
  readEvidenceFromDatabase,
  readEvidenceFromNdjson,
  verifyAuditLog,
  type AuditLogEvidence,
  type AuditLogVerdict,
} from '@latchkey/audit/data-access';
import { openDatabase } from '@latchkey/persistence';
import type { PublicJwks } from '@latchkey/tokens';
import { CliError, UsageError } from '../lib/cli-error';
import type { Credential, ServiceClient } from '../lib/http-client';
import type { Progress } from '../lib/progress';

export { verifyAuditLog, type AuditLogEvidence, type AuditLogVerdict };
export type AuditTrust = { readonly keys: PublicJwks; readonly issuer: string };

/** The audit service's newest row number (the export's length, unfiltered), for a progress bar's total. */
export async function headSeq(client: ServiceClient, credential: Credential): Promise<number> {
  const { items } = await client.json<{ items: { seq: number | string }[] }>('GET', '/admin/v1/audit/events', {
    credential,
    query: { order: 'desc', limit: '1' },
  });
  return Number(items[0]?.seq ?? 0);
}

/** Lines of a streamed NDJSON body, each counted on `progress`. */
export async function* ndjsonLines(body: AsyncIterable<Uint8Array>, progress?: Progress): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line !== '') {
        progress?.increment();
        yield line;
      }
    }
  }
  const rest = (buffer + decoder.decode()).trim();
  if (rest !== '') {
    progress?.increment();
    yield rest;
  }
}

function bodyOf(response: Response): AsyncIterable<Uint8Array> {
  if (!response.body) throw new CliError('the audit service answered an export without a body');
  return response.body as unknown as AsyncIterable<Uint8Array>;
}

/** The evidence as the audit service exports it: every row, then every checkpoint (checkpoints last, so they never name rows the row export missed… except those appended meanwhile, which verify as "not yet signed"). */
export async function readEvidenceFromService(client: ServiceClient, credential: Credential, progress: Progress): Promise<AuditLogEvidence> {
  progress.start(await headSeq(client, credential));
  const rows: { seq: number; [column: string]: unknown }[] = [];
  const rowResponse = await client.send('GET', '/admin/v1/audit/events/export', { credential, accept: 'application/x-ndjson' });
  let line = 0;
  for await (const text of ndjsonLines(bodyOf(rowResponse), progress)) {
    line += 1;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new CliError(`the audit export's line ${line} is not JSON`);
    }
    if (typeof raw['hash'] !== 'string') throw new CliError(`the audit export's line ${line} is not a stored audit row (no hash)`);
    rows.push({ ...raw, seq: Number(raw['seq']) });
  }
  progress.stop();
  const checkpointResponse = await client.send('GET', '/admin/v1/audit/checkpoints/export', { credential, accept: 'application/x-ndjson' });
  const checkpoints: string[] = [];
  for await (const text of ndjsonLines(bodyOf(checkpointResponse))) {
    const token = (JSON.parse(text) as { token?: unknown }).token;
    if (typeof token !== 'string') throw new CliError('the checkpoint export holds a line without a token');
    checkpoints.push(token);
  }
  return { rows: rows.sort((a, b) => a.seq - b.seq) as unknown as AuditLogEvidence['rows'], checkpoints };
}

/** The evidence of a live database (one REPEATABLE READ snapshot) or of export files. */
export async function readEvidenceFromStore(source: { database?: string; rows?: string; checkpoints?: string }): Promise<AuditLogEvidence> {
  if (source.database !== undefined) {
    if (source.rows !== undefined || source.checkpoints !== undefined) throw new UsageError('give --database or --rows with --checkpoints, not both');
    let db;
    try {
      db = await openDatabase({ url: source.database, maxConnections: 1 });
    } catch (error) {
      throw new CliError(`the database cannot be opened (${(error as Error).message})`);
    }
    try {
      return await readEvidenceFromDatabase(db);
    } finally {
      await db.close();
    }
  }
  if (source.rows === undefined || source.checkpoints === undefined) throw new UsageError('give --rows and --checkpoints together');
  return readEvidenceFromNdjson(source.rows, source.checkpoints);
}
