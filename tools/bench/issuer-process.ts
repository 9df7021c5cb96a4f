/**
 * Starts tools/bench/issuer-server.ts in a child process and talks to it
 * over the fork IPC channel: its URL once it serves, its CPU time on demand,
 * and a clean stop (its pool must be closed before the scratch database is
 * dropped).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ParentMessage, ServerMessage } from './bench-protocol';

const BOOT_TIMEOUT_MS = 60_000;
/** swc-node reads the root tsconfig.json (path aliases, decorator metadata) from the working directory. */
const ROOT = join(__dirname, '..', '..');

export class IssuerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly alg: string,
  ) {}

  /**
   * @param env the child's whole environment (DATABASE_URL, key-encryption key, BENCH_ISV_KEY...).
   * @param telemetry load the OpenTelemetry preload like the service's main.ts does.
   * @param cpuProfileDir write a V8 CPU profile of the issuer there (on a clean stop), to see where its time goes.
   */
  static start(env: NodeJS.ProcessEnv, telemetry: boolean, cpuProfileDir?: string): Promise<IssuerProcess> {
    // swc-node, like `npm start`: the Nest decorators need emitDecoratorMetadata, which tsx lacks.
    const execArgv = [
      '-r',
      '@swc-node/register',
      ...(telemetry ? ['-r', join(ROOT, 'libs/telemetry/src/register.ts')] : []),
      ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
    ];
    // The issuer's logs (its stdout) go to our stderr, so the report on stdout stays clean.
    const child = fork(join(__dirname, 'issuer-server.ts'), [], { cwd: ROOT, execArgv, env, stdio: ['ignore', 2, 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('the issuer did not start within 60 s')), BOOT_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill();
        reject(error);
      };
      child.once('exit', (code) => fail(new Error(`the issuer exited during boot (code ${String(code)})`)));
      child.on('message', function onBoot(message: ServerMessage) {
        if (message.kind === 'cpu') return;
        child.off('message', onBoot);
        child.removeAllListeners('exit');
        clearTimeout(timer);
        if (message.kind === 'ready') resolve(new IssuerProcess(child, message.url, message.alg));
        else fail(new Error(`the issuer failed to start: ${message.message}`));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The issuer's total CPU time so far (user + system, all its threads), in µs. */
  cpuMicros(): Promise<number> {
    return new Promise((resolve) => {
      const onMessage = (message: ServerMessage) => {
        if (message.kind !== 'cpu') return;
        this.child.off('message', onMessage);
        resolve(message.userMicros + message.systemMicros);
      };
      this.child.on('message', onMessage);
      this.send({ kind: 'cpu' });
    });
  }

  /** Asks for a graceful close, and kills it if that takes more than 15 s. */
  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ kind: 'stop' });
    });
  }

  private send(message: ParentMessage): void {
    this.child.send(message);
  }
}
