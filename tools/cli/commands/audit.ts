import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { PublicJwks } from '@latchkey/tokens';
import type { CliContext } from '../lib/cli-context';
import { CliError } from '../lib/cli-error';
import type { CommandRunner } from '../lib/command-runner';
import { EXIT, type ExitCode } from '../lib/exit-codes';
import { decodeJws, loadJwks } from '../lib/jws';
import { createProgress } from '../lib/progress';
import {
  headSeq,
  ndjsonLines,
  readEvidenceFromService,
  readEvidenceFromStore,
  verifyAuditLog,
  type AuditLogEvidence,
  type AuditLogVerdict,
} from './audit-evidence';

export function describeVerdict(verdict: AuditLogVerdict): string {
  if (verdict.ok) {
    const unsigned = verdict.prunedThrough + verdict.rows - verdict.anchored;
    const pruned = verdict.prunedThrough > 0 ? ` (rows 1–${verdict.prunedThrough} pruned by retention at a signed checkpoint)` : '';
    return `verified: ${verdict.rows} rows${pruned}, up to row ${verdict.anchored} covered by signed checkpoints${unsigned > 0 ? ` (${unsigned} appended since the latest)` : ''}`;
  }
  if (verdict.tampering === 'checkpoint') return `TAMPERED (checkpoint ${verdict.checkpoint}): ${verdict.detail}`;
  return `TAMPERED (${verdict.tampering}, row ${verdict.seq}${verdict.eventId ? `, event ${verdict.eventId}` : ''}): ${verdict.detail}`;
}

interface VerifyOptions {
  readonly database?: string;
  readonly rows?: string;
  readonly checkpoints?: string;
  readonly jwks?: string;
  readonly issuer?: string;
}

/**
 * Three sources: --database, --rows with --checkpoints, or (neither) the
 * audit service's export API with the operator credential. From a store,
 * --jwks and --issuer are required: the point is to trust only keys the
 * operator names. From the service, --jwks defaults to the service's own
 * JWKS, and --issuer to the `iss` its first checkpoint carries (its
 * LATCHKEY_AUDIT_URL, which need not be the URL the CLI reaches it at):
 * the keys come from the same service, so pinning it adds nothing unless
 * the operator names it. A note says when that issuer is not the service's URL.
 */
async function verify(ctx: CliContext, command: Command): Promise<ExitCode> {
  const options = command.opts<VerifyOptions>();
  const fromService = options.database === undefined && options.rows === undefined && options.checkpoints === undefined;
  if (!fromService && (options.jwks === undefined || options.issuer === undefined))
    throw new CliError('--jwks and --issuer are required with --database or --rows');
  const auditUrl = fromService ? await ctx.endpoints.url('audit') : undefined;
  const jwks = options.jwks ?? `${auditUrl}/.well-known/jwks.json`;
  const progress = createProgress(ctx.io, ctx.json, 'reading audit rows');
  // Fetched while the evidence is read; if reading fails first, that error is the one reported.
  const keys = loadJwks(jwks, ctx.io.fetch) as Promise<PublicJwks>;
  keys.catch(() => undefined);
  let evidence: AuditLogEvidence;
  if (fromService) {
    const { client, credential } = await ctx.admin('audit');
    evidence = await readEvidenceFromService(client, credential, progress);
  } else {
    // The readers do not report progress: a two-step bar (read, verified) still shows the command is alive.
    progress.start(2);
    evidence = await readEvidenceFromStore(options);
    progress.increment();
  }
  let issuer = options.issuer;
  if (issuer === undefined) {
    const first = evidence.checkpoints[0];
    issuer = first === undefined ? auditUrl : String(decodeJws(first).claims['iss'] ?? auditUrl);
    if (issuer !== auditUrl) ctx.out.note(`checkpoints signed as ${issuer} (the service's LATCHKEY_AUDIT_URL); give --issuer to pin it`);
  }
  const verdict = await verifyAuditLog(evidence, { keys: await keys, issuer: issuer ?? '' });
  if (!fromService) progress.increment();
  progress.stop();
  ctx.out.result(verdict, () => describeVerdict(verdict));
  return verdict.ok ? EXIT.OK : EXIT.CHECK_FAILED;
}

interface ExportOptions {
  readonly out: string;
  readonly checkpoints?: string;
  readonly type?: string;
  readonly isvId?: string;
  readonly from?: string;
  readonly to?: string;
}

/** Streams one export route to a file (mode 0600: audit rows are evidence, not for every reader of the folder); answers the line count. */
async function exportTo(ctx: CliContext, route: string, file: string, query: Record<string, string | undefined>, total?: number): Promise<number> {
  const { client, credential } = await ctx.admin('audit');
  const progress = createProgress(ctx.io, ctx.json, `exporting ${route.split('/')[3]}`);
  const response = await client.send('GET', route, { credential, query, accept: 'application/x-ndjson' });
  if (!response.body) throw new CliError('the audit service answered an export without a body');
  const out = createWriteStream(file, { mode: 0o600 });
  const failed = once(out, 'error').then(([error]) => {
    throw new CliError(`${file} cannot be written (${(error as Error).message})`);
  });
  failed.catch(() => undefined);
  if (total !== undefined) progress.start(total);
  let lines = 0;
  try {
    for await (const line of ndjsonLines(response.body as unknown as AsyncIterable<Uint8Array>, total !== undefined ? progress : undefined)) {
      lines += 1;
      if (!out.write(line + '\n')) await Promise.race([once(out, 'drain'), failed]);
    }
  } finally {
    progress.stop();
    out.end();
  }
  await Promise.race([once(out, 'finish'), failed]);
  return lines;
}

async function exportAudit(ctx: CliContext, command: Command): Promise<void> {
  const options = command.opts<ExportOptions>();
  const rowsFile = resolve(ctx.io.cwd, options.out);
  const { client, credential } = await ctx.admin('audit');
  const filtered = [options.type, options.isvId, options.from, options.to].some((v) => v !== undefined);
  // Unfiltered, the head row's number is the export's length: a real progress bar. Filtered, the count is unknown: no bar.
  const total = filtered ? undefined : await headSeq(client, credential);
  const rows = await exportTo(
    ctx,
    '/admin/v1/audit/events/export',
    rowsFile,
    { type: options.type, isvId: options.isvId, from: options.from, to: options.to },
    total,
  );
  let checkpoints: number | undefined;
  const checkpointsFile = options.checkpoints === undefined ? undefined : resolve(ctx.io.cwd, options.checkpoints);
  if (checkpointsFile !== undefined) checkpoints = await exportTo(ctx, '/admin/v1/audit/checkpoints/export', checkpointsFile, {});
  ctx.out.result({ rows, file: rowsFile, ...(checkpointsFile ? { checkpoints, checkpointsFile } : {}) }, () =>
    [`exported ${rows} rows to ${rowsFile}`, ...(checkpointsFile ? [`exported ${checkpoints} checkpoints to ${checkpointsFile}`] : [])].join('\n'),
  );
}

/** `latchkey audit …`: verify the hash chain against the signed checkpoints, export the store. */
export function registerAuditCommands(program: Command, runner: CommandRunner): void {
  const audit = program.command('audit').description('the audit store: verify its hash chain, export it');

  audit
    .command('verify')
    .description('re-walk the audit chain against its signed checkpoints (exit 1 when tampering is found)')
    .option('--database <url>', 'a live audit database (read in one consistent snapshot)')
    .option('--rows <file>', 'an NDJSON export of the rows (`latchkey audit export`)')
    .option('--checkpoints <file>', 'the NDJSON export of the checkpoints')
    .option('--jwks <url|file>', "the audit service's public keys (default with neither --database nor --rows: the service's JWKS)")
    .option(
      '--issuer <url>',
      "the checkpoints' iss, the audit service's LATCHKEY_AUDIT_URL (default from the service: the iss of its first checkpoint)",
    )
    .addHelpText('after', "\nWith neither --database nor --rows, the rows and checkpoints are read from the audit service's export API.")
    .action(runner.action(verify));

  audit
    .command('export')
    .description('stream the stored rows (oldest first) to an NDJSON file, with a progress bar; `audit verify --rows` reads it')
    .requiredOption('--out <file>', 'where to write the rows')
    .option('--checkpoints <file>', 'also export the signed checkpoints there')
    .option('--type <names>', 'only these event names (comma-separated)')
    .option('--isv-id <id>', 'only events about this ISV')
    .option('--from <instant>', 'ISO 8601, events at or after it')
    .option('--to <instant>', 'ISO 8601, events before it')
    .action(runner.action(exportAudit));
}
