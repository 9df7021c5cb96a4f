import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { eventually } from '@latchkey/testing';

/** swc-node reads the root tsconfig.json (path aliases, decorator metadata) from the working directory, as `npm start` does. */
const ROOT = resolve(__dirname, '../../../..');
const BOOT_TIMEOUT_MS = 60_000;

/**
 * The audit service as deployed, in a process of its own (`node -r @swc-node/register apps/audit/src/main.ts`),
 * so a test can SIGKILL it mid-stream: no shutdown hook runs, no offset is committed on the way out, exactly
 * what a crashed pod leaves behind.
 */
export class AuditProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
    readonly output: () => string,
  ) {}

  /** Boots it on `env` (DATABASE_URL, KAFKA_BROKERS, LATCHKEY_AUDIT_SIGNING_KEY…) and waits for its ready line. */
  static async start(env: Readonly<Record<string, string>>): Promise<AuditProcess> {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/audit/src/main.ts'], {
      cwd: ROOT,
      // A clean environment: nothing of the test process (NODE_OPTIONS, jest's variables) leaks in.
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LATCHKEY_AUDIT_PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4 * 1024 * 1024);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const ready = eventually(() => /^audit ready on http:\/\/\S+$/m.test(output), { timeoutMs: BOOT_TIMEOUT_MS, what: 'the audit ready line' });
      const died = exited.then((code): never => {
        throw new Error(`the audit service exited during boot (code ${String(code)})`);
      });
      await Promise.race([ready, died]);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${(error as Error).message}\n--- audit output (tail) ---\n${output.slice(-4000)}`, { cause: error });
    }
    return new AuditProcess(child, exited, () => output);
  }

  /** SIGKILL: the process ends at once, mid-transaction or mid-batch. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait (a clean stop). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
