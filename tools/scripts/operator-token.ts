/**
 * Prints the standalone demo operator's internal access token for the admin
 * APIs (`aud` api://latchkey-admin, scope `latchkey.admin`), and nothing else
 * on stdout, so that it can be captured:
 *
 *   TOKEN=$(npm run -s operator-token)        # or: npx tsx tools/scripts/operator-token.ts [--data-dir .data]
 *   curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3001/admin/v1/isvs
 *
 * Needs `npm start` running with its development identity provider. Reads
 * `<data dir>/demo-credentials.json` (default: LATCHKEY_DATA_DIR, else .data).
 * On failure: one line on stderr, exit code 1.
 */
import { parseArgs } from 'node:util';
import { OperatorTokenError, operatorToken, readDemoCredentials } from '../../apps/standalone/src/operator-token';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
  const dataDir = values['data-dir'] ?? (process.env['LATCHKEY_DATA_DIR'] || '.data');
  const token = await operatorToken(await readDemoCredentials(dataDir));
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  const usage = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? ' (usage: operator-token [--data-dir DIR])' : '';
  const known = error instanceof OperatorTokenError || usage !== '';
  process.stderr.write(`operator-token: ${known ? (error as Error).message : `failed: ${(error as Error).message}`}${usage}\n`);
  process.exit(1);
});
