/**
 * A service under benchmark in a child process, spoken to over the fork IPC
 * channel (the protocol of bench-protocol.ts): started and awaited until it
 * serves, asked for its CPU time, stopped cleanly (its pool must be closed
 * before the scratch database is dropped). IssuerProcess and
 * ExchangeProcess are this with their own server script.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ParentMessage, ServerMessage } from './bench-protocol';

/** swc-node reads the root tsconfig.json (path aliases, decorator metadata) from the working directory. */
const ROOT = join(__dirname, '..', '..');

/** The ready message of a server. */
export type ReadyMessage = Extract<ServerMessage, { kind: 'ready' }>;

/** How to start one server script. */
export interface BenchChildStart {
  /** For messages: "the issuer". */
  readonly name: string;
  /** The server script beside this file, e.g. `issuer-server.ts`. */
  readonly script: string;
  /** The child's whole environment. */
  readonly env: NodeJS.ProcessEnv;
  /** More Node flags after swc-node's (preloads, `--cpu-prof`). */
  readonly execArgv?: readonly string[];
  readonly bootTimeoutMs: number;
}

/** Forks the script and resolves with the child once it reported ready (rejects, killing it, otherwise). */
export function forkBenchServer(start: BenchChildStart): Promise<{ child: ChildProcess; ready: ReadyMessage }> {
  // swc-node, like `npm start`: the Nest decorators need emitDecoratorMetadata, which tsx lacks.
  const execArgv = ['-r', '@swc-node/register', ...(start.execArgv ?? [])];
  // The server's logs (its stdout) go to our stderr, so the report on stdout stays clean.
  const child = fork(join(__dirname, start.script), [], { cwd: ROOT, execArgv, env: start.env, stdio: ['ignore', 2, 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${start.name} did not start within ${start.bootTimeoutMs / 1000} s`)), start.bootTimeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(error);
    };
    child.once('exit', (code) => fail(new Error(`${start.name} exited during boot (code ${String(code)})`)));
    child.on('message', function onBoot(message: ServerMessage) {
      if (message.kind === 'cpu') return;
      child.off('message', onBoot);
      child.removeAllListeners('exit');
      clearTimeout(timer);
      if (message.kind === 'ready') resolve({ child, ready: message });
      else fail(new Error(`${start.name} failed to start: ${message.message}`));
    });
  });
}

/** `--cpu-prof` flags writing a V8 CPU profile to `dir` on a clean stop, or none. */
export function cpuProfileFlags(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** A started server: its CPU time on demand and a clean stop. */
export class BenchChild {
  constructor(protected readonly child: ChildProcess) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The server's total CPU time so far (user + system, all its threads), in µs. */
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
