/**
 * The operator CLI (issue 10 completes it). Today: `latchkey audit verify`.
 *
 *   npx tsx tools/cli/latchkey.ts audit verify --database postgres://…/db --jwks https://audit…/.well-known/jwks.json --issuer https://audit…
 *   npx tsx tools/cli/latchkey.ts audit verify --rows events.ndjson --checkpoints checkpoints.ndjson --jwks jwks.json --issuer https://audit…
 *
 * Re-walks the audit chain of a live store (one consistent snapshot) or of
 * an NDJSON export against its signed checkpoints, with only the audit
 * service's public keys (a JWKS file or URL), and names the first bad row
 * and what was done to it. `--json` prints the verdict as JSON.
 * Exit codes: 0 verified; 1 tampering found; 2 the command could not run
 * (bad arguments, unreadable input, unreachable database or JWKS).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  readEvidenceFromDatabase,
  readEvidenceFromNdjson,
  verifyAuditLog,
  type AuditLogEvidence,
  type AuditLogVerdict,
} from '@latchkey/audit/data-access';
import { openDatabase } from '@latchkey/persistence';
import type { PublicJwks } from '@latchkey/tokens';

const USAGE = `usage: latchkey audit verify (--database URL | --rows FILE --checkpoints FILE) --jwks FILE|URL --issuer URL [--json]`;

class UsageError extends Error {}

async function loadJwks(source: string): Promise<PublicJwks> {
  const text = /^https?:\/\//.test(source) ? await (await fetch(source)).text() : await readFile(source, 'utf8');
  const jwks = JSON.parse(text) as PublicJwks;
  if (!Array.isArray(jwks.keys)) throw new UsageError(`${source} is not a JSON Web Key Set`);
  return jwks;
}

async function loadEvidence(values: { database?: string; rows?: string; checkpoints?: string }): Promise<AuditLogEvidence> {
  if (values.database !== undefined) {
    if (values.rows !== undefined || values.checkpoints !== undefined) throw new UsageError('give --database or --rows with --checkpoints, not both');
    const db = await openDatabase({ url: values.database, maxConnections: 1 });
    try {
      return await readEvidenceFromDatabase(db);
    } finally {
      await db.close();
    }
  }
  if (values.rows === undefined || values.checkpoints === undefined) throw new UsageError('give --database, or --rows and --checkpoints');
  return readEvidenceFromNdjson(values.rows, values.checkpoints);
}

function describe(verdict: AuditLogVerdict): string {
  if (verdict.ok) {
    const unsigned = verdict.prunedThrough + verdict.rows - verdict.anchored;
    const pruned = verdict.prunedThrough > 0 ? ` (rows 1–${verdict.prunedThrough} pruned by retention at a signed checkpoint)` : '';
    return `verified: ${verdict.rows} rows${pruned}, up to row ${verdict.anchored} covered by signed checkpoints${unsigned > 0 ? ` (${unsigned} appended since the latest)` : ''}`;
  }
  if (verdict.tampering === 'checkpoint') return `TAMPERED (checkpoint ${verdict.checkpoint}): ${verdict.detail}`;
  return `TAMPERED (${verdict.tampering}, row ${verdict.seq}${verdict.eventId ? `, event ${verdict.eventId}` : ''}): ${verdict.detail}`;
}

async function auditVerify(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      database: { type: 'string' },
      rows: { type: 'string' },
      checkpoints: { type: 'string' },
      jwks: { type: 'string' },
      issuer: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.jwks === undefined || values.issuer === undefined) throw new UsageError('--jwks and --issuer are required');
  const [keys, evidence] = await Promise.all([loadJwks(values.jwks), loadEvidence(values)]);
  const verdict = await verifyAuditLog(evidence, { keys, issuer: values.issuer });
  process.stdout.write((values.json ? JSON.stringify(verdict) : describe(verdict)) + '\n');
  return verdict.ok ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [area, command, ...rest] = argv;
  try {
    if (area === 'audit' && command === 'verify') return await auditVerify(rest);
    throw new UsageError(`unknown command: ${[area, command].filter(Boolean).join(' ') || '(none)'}`);
  } catch (error) {
    // Messages name files, lines and hosts, never row content or keys.
    process.stderr.write(
      `latchkey: ${(error as Error).message}\n${error instanceof UsageError || (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? USAGE + '\n' : ''}`,
    );
    return 2;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
