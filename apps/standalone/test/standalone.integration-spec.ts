import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from '@latchkey/testing';

const ROOT = resolve(__dirname, '../../..');
const SERVICES = ['audit', 'abuse-detector', 'rbac', 'issuer', 'face-api', 'exchange'];
// Ports of their own, so the test never meets an `npm start` a developer left running.
const PORTS: Record<string, number> = { issuer: 43101, 'face-api': 43102, exchange: 43103, rbac: 43104, audit: 43105, 'abuse-detector': 43106 };

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `npm start`'s entry point exactly as the npm script does, on the embedded defaults. */
function start(dataDir: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, LATCHKEY_DATA_DIR: dataDir };
  delete env['DATABASE_URL'];
  delete env['KAFKA_BROKERS'];
  for (const [name, port] of Object.entries(PORTS)) env[`LATCHKEY_${name.toUpperCase().replace('-', '_')}_PORT`] = String(port);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/standalone/src/main.ts'], { cwd: ROOT, env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

function readyLines(output: string): string[] {
  return output.split('\n').filter((l) => / ready on http:\/\/127\.0\.0\.1:\d+$/.test(l));
}

async function stopWithCtrlC(run: Run): Promise<{ code: number | null; ms: number }> {
  const began = Date.now();
  run.child.kill('SIGINT');
  const code = await run.exited;
  return { code, ms: Date.now() - began };
}

describe('npm start (standalone, embedded defaults)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-standalone-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints six ready lines within 20 s, answers /readyz, seeds credentials, and stops on Ctrl-C within 5 s', async () => {
    const run = start(dataDir);
    const began = Date.now();
    try {
      await eventually(() => readyLines(run.output()).length === 6, { timeoutMs: 20000, intervalMs: 100, what: 'six ready lines' });
      expect(Date.now() - began).toBeLessThan(20000);
      expect(readyLines(run.output()).map((l) => l.split(' ')[0])).toEqual(SERVICES);
      for (const [name, port] of Object.entries(PORTS)) {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect({ name, status: response.status }).toEqual({ name, status: 200 });
      }
      const path = join(dataDir, 'demo-credentials.json');
      await eventually(() => stat(path), { timeoutMs: 10000, what: 'credentials file' });
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const credentials = JSON.parse(await readFile(path, 'utf8'));
      expect(credentials.isv.subscriptionKey).toMatch(/^lk_isv_/);
      expect(credentials.client.subscriptionKey).toMatch(/^lk_cli_/);
      expect(credentials.client.resourceId).toMatch(/^\/subscriptions\//);
      expect(credentials.operator.apiKey).toMatch(/^lk_op_/);
      expect(credentials.services.issuer).toBe(`http://127.0.0.1:${PORTS['issuer']}`);
    } finally {
      const { code, ms } = await stopWithCtrlC(run);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
    }
  }, 60000);

  it('keeps the seeded data across a restart', async () => {
    const path = join(dataDir, 'demo-credentials.json');
    const first = JSON.parse(await readFile(path, 'utf8'));
    const run = start(dataDir);
    try {
      await eventually(() => run.output().includes('created on an earlier start'), { timeoutMs: 20000, what: 'second start seeded' });
      const second = JSON.parse(await readFile(path, 'utf8'));
      expect(second.isv).toEqual(first.isv);
      expect(second.client).toEqual(first.client);
    } finally {
      const { code } = await stopWithCtrlC(run);
      expect(code).toBe(0);
    }
  }, 60000);
});
