import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from '@latchkey/testing';

/**
 * The CLI against the standalone platform (`npm start` on a temp data folder,
 * embedded database and bus, as apps/standalone's own integration spec starts
 * it), run as a child process exactly as `npm run latchkey` runs it. The CLI
 * finds the services and the break-glass keys in the data folder, as an
 * operator's would.
 */
const ROOT = resolve(__dirname, '../../..');
// Ports of their own, apart from the standalone spec's and a developer's `npm start`.
const PORTS: Record<string, number> = {
  issuer: 23201,
  'face-api': 23202,
  exchange: 23203,
  rbac: 23204,
  audit: 23205,
  'abuse-detector': 23206,
  testapi: 23208,
};
const DEV_IDP_PORT = 23207;
// A client resource of the Face service; lower case, so that it is its own canonical form (the LAT's aud).
const RESOURCE = '/subscriptions/00000000-0000-4000-8000-0000000000c1/resourcegroups/cli/providers/microsoft.cognitiveservices/accounts/cli-client';

interface Platform {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of Object.keys(env)) {
    if (/^LATCHKEY_.*_URL$/.test(name) || ['DATABASE_URL', 'KAFKA_BROKERS', 'LATCHKEY_OPERATOR_TOKEN', 'LATCHKEY_ISV_KEY'].includes(name))
      delete env[name];
  }
  return { ...env, ...extra };
}

function startPlatform(dataDir: string): Platform {
  const env = cleanEnv({ LATCHKEY_DATA_DIR: dataDir, LATCHKEY_STANDALONE_DEV_IDP_PORT: String(DEV_IDP_PORT) });
  for (const [name, port] of Object.entries(PORTS)) env[`LATCHKEY_${name.toUpperCase().replace('-', '_')}_PORT`] = String(port);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/standalone/src/main.ts'], { cwd: ROOT, env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run -s latchkey -- <args>`: tsx on the entry point, from the repository root, on the test's data folder. */
function latchkey(dataDir: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), 'tools/cli/latchkey.ts', ...args],
      { cwd: ROOT, env: cleanEnv({ LATCHKEY_DATA_DIR: dataDir }) },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function jsonOf(run: CliRun): Promise<Record<string, unknown>> {
  if (run.code !== 0) throw new Error(`latchkey exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('latchkey against the standalone platform', () => {
  let dataDir: string;
  let platform: Platform;
  const cli = (...args: string[]) => latchkey(dataDir, args);
  const serviceUrl = async (name: string) => JSON.parse(await readFile(join(dataDir, 'demo-credentials.json'), 'utf8')).services[name] as string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
    platform = startPlatform(dataDir);
    await eventually(() => platform.output().includes('Press Ctrl-C'), { timeoutMs: 60000, intervalMs: 200, what: 'standalone welcome text' });
  }, 90000);

  afterAll(async () => {
    if (platform) {
      platform.child.kill('SIGINT');
      const code = await platform.exited;
      if (code !== 0) process.stderr.write(`standalone exited ${code}; its last output:\n${platform.output().slice(-3000)}\n`);
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs an ISV through approval, a flag, a key shown once, a token that verifies, and a client block', async () => {
    await eventually(async () => (await cli('isv', 'list')).code === 0, { timeoutMs: 30000, what: 'issuer admin API open to the break-glass key' });

    const created = await jsonOf(await cli('--json', 'isv', 'create', 'cli-test', '--name', 'CLI test'));
    expect(created).toMatchObject({ id: 'cli-test', status: 'pending', grantedFeatures: [] });
    expect(await jsonOf(await cli('isv', 'approve', 'cli-test', '--json'))).toMatchObject({ status: 'approved' });
    expect(await jsonOf(await cli('isv', 'grant', 'cli-test', 'Face.Identification', '--json'))).toMatchObject({
      grantedFeatures: ['Face.Identification'],
    });
    const listed = await cli('isv', 'list');
    expect(listed.stdout).toMatch(/│ cli-test\s+│ CLI test\s+│ approved\s+│ Face.Identification/);

    // The key: in the create answer once, afterwards only its hint.
    const keyRun = await cli('keys', 'create', 'cli-test', '--json');
    const issuedKey = await jsonOf(keyRun);
    const subscriptionKey = issuedKey['subscriptionKey'] as string;
    expect(subscriptionKey).toMatch(/^lk_isv_/);
    expect(keyRun.stderr).toContain('shown this once');
    const shown = await cli('isv', 'show', 'cli-test', '--json');
    expect(await jsonOf(shown)).toMatchObject({ keys: [expect.objectContaining({ slot: 1, hint: subscriptionKey.slice(-4) })] });
    expect(shown.stdout).not.toContain(subscriptionKey);
    const keyFile = join(dataDir, 'cli-test.key');
    await writeFile(keyFile, subscriptionKey + '\n', { mode: 0o600 });

    // A token issued with it verifies against the issuer's JWKS, for its issuer and the client resource.
    const issue = () => cli('token', 'issue', '--isv-key-file', keyFile, '--resource', RESOURCE, '--flag', 'Face.Identification');
    const issued = await issue();
    expect({ code: issued.code, stderr: issued.stderr }).toEqual({ code: 0, stderr: '' });
    const token = issued.stdout.trim();
    expect(token).toMatch(/^eyJ[\w-]*\.[\w-]+\.[\w-]+$/);
    const issuerUrl = await serviceUrl('issuer');
    const { issuer } = (await (await fetch(`${issuerUrl}/.well-known/openid-configuration`)).json()) as { issuer: string };
    const verified = await cli(
      'token',
      'verify',
      token,
      '--jwks',
      `${issuerUrl}/.well-known/jwks.json`,
      '--issuer',
      issuer,
      '--audience',
      RESOURCE,
      '--json',
    );
    expect(await jsonOf(verified)).toMatchObject({
      valid: true,
      header: { typ: 'lat+jwt' },
      claims: { aud: RESOURCE, features: ['Face.Identification'] },
    });
    const wrongAudience = await cli('token', 'verify', token, '--audience', '/subscriptions/other');
    expect(wrongAudience.code).toBe(1);
    expect(wrongAudience.stdout).toMatch(/^INVALID/);
    const decoded = await cli('token', 'decode', token);
    expect(decoded.stdout).toMatch(/^UNVERIFIED/);

    // Blocking the client refuses its issuance (exit 3, the server's 403 named); unblocking lets it through again.
    expect((await cli('client', 'block', RESOURCE, '--isv-key-file', keyFile, '--reason', 'cli test')).stdout).toBe(`${RESOURCE}: blocked\n`);
    const refused = await issue();
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('ClientBlocked');
    expect(refused.stdout).toBe('');
    expect((await cli('client', 'unblock', RESOURCE, '--isv-key-file', keyFile)).code).toBe(0);
    expect((await issue()).code).toBe(0);
    const clients = await jsonOf(await cli('client', 'list', '--isv-key-file', keyFile, '--json'));
    expect(clients).toMatchObject({ clients: [expect.objectContaining({ resourceId: RESOURCE, blocked: false })] });
    for (const run of [listed, shown, refused, decoded]) expect(run.stderr).not.toContain(subscriptionKey);
  }, 300000);

  it('shows every service ready with its consumer lag and outbox backlog, as JSON', async () => {
    const run = await cli('status', '--json');
    const { services } = (await jsonOf(run)) as { services: { service: string; ready: boolean; consumerLag: unknown[]; outboxBacklog: unknown[] }[] };
    expect(services.map((s) => [s.service, s.ready])).toEqual(Object.keys(PORTS).map((name) => [name, true]));
    expect(services.some((s) => s.consumerLag.length > 0)).toBe(true);
    expect(services.some((s) => s.outboxBacklog.length > 0)).toBe(true);
    const human = await cli('status');
    expect(human.stdout).toMatch(/│ issuer\s+│ http:\/\/127.0.0.1:23201\s+│ yes/);
  }, 120000);

  it('verifies the audit chain from the service, and from an export of it (exit 0)', async () => {
    const fromService = await cli('audit', 'verify');
    expect(fromService.code).toBe(0);
    expect(fromService.stdout).toMatch(/^verified: \d+ rows/);
    // The standalone platform names its audit service's real address as the checkpoints' iss, so nothing needs saying.
    expect(fromService.stderr).toBe('');
    const rows = join(dataDir, 'events.ndjson');
    const checkpoints = join(dataDir, 'checkpoints.ndjson');
    const exported = await jsonOf(await cli('audit', 'export', '--out', rows, '--checkpoints', checkpoints, '--json'));
    expect(exported).toMatchObject({ file: rows, checkpointsFile: checkpoints });
    const auditUrl = await serviceUrl('audit');
    const firstCheckpoint = JSON.parse((await readFile(checkpoints, 'utf8')).split('\n')[0] ?? '') as { token: string };
    const signedAs = JSON.parse(Buffer.from(firstCheckpoint.token.split('.')[1] ?? '', 'base64url').toString('utf8')).iss as string;
    const verifyFiles = (file: string, issuer: string) =>
      cli(
        'audit',
        'verify',
        '--rows',
        file,
        '--checkpoints',
        checkpoints,
        '--jwks',
        `${auditUrl}/.well-known/jwks.json`,
        '--issuer',
        issuer,
        '--json',
      );
    expect(await jsonOf(await verifyFiles(rows, signedAs))).toMatchObject({ ok: true, rows: exported['rows'] });
    // The same export with one row edited, or checked against another issuer: exit 1, the row or checkpoint named.
    const lines = (await readFile(rows, 'utf8')).trim().split('\n');
    const edited = { ...JSON.parse(lines[1] ?? ''), data: { edited: true } };
    const tamperedFile = join(dataDir, 'tampered.ndjson');
    await writeFile(tamperedFile, [lines[0], JSON.stringify(edited), ...lines.slice(2)].join('\n') + '\n');
    const tampered = await verifyFiles(tamperedFile, signedAs);
    expect({ code: tampered.code, verdict: JSON.parse(tampered.stdout) }).toMatchObject({
      code: 1,
      verdict: { ok: false, tampering: 'modified', seq: edited.seq },
    });
    expect((await verifyFiles(rows, 'https://someone-else.example')).code).toBe(1);
  }, 120000);

  it('exits 3 with a clear message when the credential is refused, never echoing it', async () => {
    const bogus = 'lk_op_' + 'x'.repeat(40);
    const run = await cli('isv', 'list', '--token', bogus);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^latchkey: the issuer service refused GET \/admin\/v1\/isvs: 401/);
    expect(run.stderr + run.stdout).not.toContain(bogus);
    expect((await cli('isv', 'show', 'no-such-isv')).code).toBe(4);
  }, 120000);

  it('follows the alert stream and ends cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'tools/cli/latchkey.ts', 'alerts', 'tail'], {
      cwd: ROOT,
      env: cleanEnv({ LATCHKEY_DATA_DIR: dataDir }),
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await eventually(() => stderr.includes('following alerts'), { timeoutMs: 20000, what: 'alert stream opened' });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 120000);
});
