/**
 * Starts tools/bench/face-api-server.ts in a child process and talks to it
 * over the fork IPC channel: what it serves once ready, its CPU time, the
 * receipts of its publisher, the recorder switch, the `revocation applied`
 * acknowledgements, and a clean stop (its pool and bus must close before the
 * scratch database is dropped).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ParentMessage, PublisherCounts, RecorderMode, RevocationAck, ServerMessage } from './token-use-protocol';

const BOOT_TIMEOUT_MS = 120_000;
/** swc-node reads the root tsconfig.json (path aliases, decorator metadata) from the working directory. */
const ROOT = join(__dirname, '..', '..');

type Ready = Extract<ServerMessage, { kind: 'ready' }>;

/** See {@link FaceApiProcess.cpu}. */
export interface FaceApiCpu {
  readonly micros: number;
  readonly mainThreadMicros: number;
  readonly loopActiveMs: number;
  readonly loopIdleMs: number;
}

export class FaceApiProcess {
  private readonly ackListeners = new Set<(ack: RevocationAck) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Ready,
  ) {
    child.on('message', (message: ServerMessage) => {
      if (message.kind !== 'revocation-applied') return;
      for (const listener of this.ackListeners) listener(message);
    });
  }

  /**
   * @param env the child's whole environment (DATABASE_URL, KAFKA_BROKERS, LATCHKEY_LAT_*...).
   * @param telemetry load the OpenTelemetry preload like apps/face-api/src/main.ts does.
   * @param cpuProfileDir write a V8 CPU profile of the face-api there (on a clean stop).
   */
  static start(env: NodeJS.ProcessEnv, telemetry: boolean, cpuProfileDir?: string): Promise<FaceApiProcess> {
    // swc-node, like `npm start`: the Nest decorators need emitDecoratorMetadata, which tsx lacks.
    const execArgv = [
      '-r',
      '@swc-node/register',
      ...(telemetry ? ['-r', join(ROOT, 'libs/telemetry/src/register.ts')] : []),
      ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
    ];
    // The server's logs (its stdout) go to our stderr, so the report on stdout stays clean.
    const child = fork(join(__dirname, 'face-api-server.ts'), [], { cwd: ROOT, execArgv, env, stdio: ['ignore', 2, 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`the face-api did not start within ${BOOT_TIMEOUT_MS / 1000} s`)), BOOT_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill();
        reject(error);
      };
      child.once('exit', (code) => fail(new Error(`the face-api exited during boot (code ${String(code)})`)));
      child.on('message', function onBoot(message: ServerMessage) {
        if (message.kind !== 'ready' && message.kind !== 'failed') return;
        child.off('message', onBoot);
        child.removeAllListeners('exit');
        clearTimeout(timer);
        if (message.kind === 'ready') resolve(new FaceApiProcess(child, message));
        else fail(new Error(`the face-api failed to start: ${message.message}`));
      });
    });
  }

  get url(): string {
    return this.ready.url;
  }

  /** The child's process id (to read its resident memory from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The face-api's CPU time so far: all its threads, and its main thread alone (µs); its event loop's busy and idle time (ms). */
  async cpu(): Promise<FaceApiCpu> {
    const reply = await this.ask({ kind: 'cpu' }, 'cpu');
    return {
      micros: reply.userMicros + reply.systemMicros,
      mainThreadMicros: reply.mainThreadMicros,
      loopActiveMs: reply.loopActiveMs,
      loopIdleMs: reply.loopIdleMs,
    };
  }

  async counts(): Promise<PublisherCounts> {
    return (await this.ask({ kind: 'counts' }, 'counts')).counts;
  }

  /** Switches the guarded route's use recorder (bench-only override); resolves once the server switched. */
  async setRecorder(mode: RecorderMode): Promise<void> {
    await this.ask({ kind: 'recorder', mode }, 'recorder');
  }

  /** Calls `listener` with every `revocation applied` line the face-api logs from now on; returns the unsubscribe. */
  onRevocationApplied(listener: (ack: RevocationAck) => void): () => void {
    this.ackListeners.add(listener);
    return () => this.ackListeners.delete(listener);
  }

  /** Asks for a graceful close, and kills it if that takes more than 20 s. */
  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.send({ kind: 'stop' } satisfies ParentMessage);
    });
  }

  private ask<K extends ServerMessage['kind']>(message: ParentMessage, reply: K): Promise<Extract<ServerMessage, { kind: K }>> {
    return new Promise((resolve) => {
      const onMessage = (answer: ServerMessage) => {
        if (answer.kind !== reply) return;
        this.child.off('message', onMessage);
        resolve(answer as Extract<ServerMessage, { kind: K }>);
      };
      this.child.on('message', onMessage);
      this.child.send(message);
    });
  }
}
