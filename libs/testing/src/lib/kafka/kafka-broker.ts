/**
 * A real single-node Apache Kafka broker (KRaft, broker+controller in one JVM)
 * on 127.0.0.1 for integration tests and local development. Used by the jest
 * global setup (in-process) and by tools/scripts/kafka.ts (detached).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JAVA_HINT, KAFKA_VERSION, ensureKafkaJars, findRepoRoot, run, silent, tail, type Log } from './kafka-jars';

export { KAFKA_VERSION, ensureKafkaJars, findRepoRoot, type EnsureJarsOptions } from './kafka-jars';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
// Logged by KafkaRaftServer once both the controller and broker sides are up.
const READY_LINE = /Kafka Server started/;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Asks the OS for a free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    const done = (ok: boolean): void => void (socket.destroy(), resolve(ok));
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The broker's server.properties: combined KRaft mode, everything sized for one node. */
export function serverProperties(port: number, controllerPort: number, logDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    // Static quorum: `format` then needs no --standalone and the id never changes.
    `controller.quorum.voters=1@${HOST}:${controllerPort}`,
    `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${logDir}`,
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'num.partitions=3',
    'auto.create.topics.enable=true',
    '',
  ].join('\n');
}

/** A KRaft cluster id: 16 random bytes, base64url, never starting with '-' (as Kafka's Uuid). */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Formats the log dir once; skipped when meta.properties exists (restart keeps the data). */
export async function formatStorage(jarDir: string, propsFile: string, logDir: string): Promise<void> {
  if (existsSync(join(logDir, 'meta.properties'))) return;
  const args = ['-cp', join(jarDir, '*'), 'kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', propsFile];
  const res = await run('java', args, JAVA_HINT);
  if (res.code !== 0) throw new Error(`kafka-storage format failed (exit ${res.code}):\n${tail(res.output)}`);
}

/**
 * Starts `java kafka.Kafka` with stdout/stderr appended to `logFile` (never to
 * ours). `detached` puts it in its own session so it can outlive this process.
 */
export function spawnBroker(jarDir: string, propsFile: string, logFile: string, detached: boolean): ChildProcess {
  const log4j = join(findRepoRoot(), 'tools', 'kafka', 'log4j2.properties');
  const fd = openSync(logFile, 'a');
  try {
    return spawn(
      'java',
      [
        '-Xms256m',
        '-Xmx512m',
        '-XX:+UseSerialGC',
        '-XX:+ExitOnOutOfMemoryError',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${log4j}`,
        '-cp',
        join(jarDir, '*'),
        'kafka.Kafka',
        propsFile,
      ],
      { detached, stdio: ['ignore', fd, fd] },
    );
  } finally {
    closeSync(fd); // the child holds its own copy
  }
}

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

/** SIGTERM, wait up to 20 s for a clean shutdown, then SIGKILL. Resolves once it is gone. */
export async function stopProcess(pid: number, timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (!isAlive(pid)) return;
  signal('SIGKILL');
  while (isAlive(pid)) await sleep(50);
}

function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString();
  } catch {
    return '';
  }
}

/**
 * Waits for the "Kafka Server started" line (written after `offset` in the log)
 * and a TCP accept on `port`; fails fast with the log tail if the JVM exits.
 */
export async function waitForReady(child: ChildProcess, port: number, logFile: string, offset: number): Promise<void> {
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const fail = (why: string): Error => {
    const text = readFrom(logFile, offset);
    // The root cause sits mid-log, above the shutdown noise that the tail shows.
    const causes = [...new Set(text.split('\n').filter((l) => / (ERROR|FATAL) |^Caused by/.test(l)))];
    return new Error(
      `Kafka broker on ${HOST}:${port} ${why}.\n${causes.slice(0, 4).join('\n')}\n` + `--- last lines of ${logFile} ---\n${tail(text, 25)}`,
    );
  };
  for (;;) {
    if (spawnError) throw fail(`could not be spawned (${spawnError.message}; ${JAVA_HINT})`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw fail(`exited during startup (${child.exitCode ?? child.signalCode})`);
    }
    if (READY_LINE.test(readFrom(logFile, offset)) && (await canConnect(port))) return;
    if (Date.now() > deadline) throw fail(`was not ready within ${READY_TIMEOUT_MS / 1000} s`);
    await sleep(150);
  }
}

/** Options for {@link KafkaBroker.start}. */
export interface KafkaBrokerOptions {
  /** Client (PLAINTEXT) port; a free one by default. */
  port?: number;
  /** KRaft controller port; a free one by default. */
  controllerPort?: number;
  /** Where server.properties, broker.log and the data (`kraft/`) live; a fresh temp dir by default. */
  dataDir?: string;
  /** Broker stdout/stderr; `<dataDir>/broker.log` by default. */
  logFile?: string;
  /** Let the JVM outlive this process (CLI use); otherwise it is killed when we exit. */
  detached?: boolean;
  /** Jar cache root, see {@link EnsureJarsOptions.cacheDir}. */
  cacheDir?: string;
  /** Progress sink; silent by default. */
  log?: Log;
}

/** A running single-node KRaft broker. Create with {@link KafkaBroker.start}. */
export class KafkaBroker {
  /** Bootstrap servers for clients, e.g. `["127.0.0.1:40123"]`. */
  readonly brokers: string[];
  private child: ChildProcess | undefined;
  private readonly killOnExit = (): void => void this.child?.kill('SIGKILL');

  private constructor(
    /** Client port. */ readonly port: number,
    /** Controller port. */ readonly controllerPort: number,
    /** Directory holding server.properties and the data. */ readonly dataDir: string,
    /** File receiving the broker's output. */ readonly logFile: string,
    private readonly ownsDataDir: boolean,
    private readonly jarDir: string,
    private readonly opts: KafkaBrokerOptions,
  ) {
    this.brokers = [`${HOST}:${port}`];
  }

  /** The JVM's pid while running. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Fetches jars if needed, formats storage and starts the broker; resolves once it serves. */
  static async start(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
    const jarDir = await ensureKafkaJars({ cacheDir: opts.cacheDir, log: opts.log });
    const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'kafka-broker-')));
    await mkdir(dataDir, { recursive: true });
    const port = opts.port ?? (await freePort());
    const controllerPort = opts.controllerPort ?? (await freePort());
    const logFile = opts.logFile ?? join(dataDir, 'broker.log');
    const broker = new KafkaBroker(port, controllerPort, dataDir, logFile, !opts.dataDir, jarDir, opts);
    await writeFile(logFile, ''); // fresh log per start(); restart() appends
    try {
      await broker.launch();
    } catch (err) {
      if (broker.ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      throw err;
    }
    return broker;
  }

  private async launch(): Promise<void> {
    const started = Date.now();
    const propsFile = join(this.dataDir, 'server.properties');
    const logDir = join(this.dataDir, 'kraft');
    await writeFile(propsFile, serverProperties(this.port, this.controllerPort, logDir));
    await formatStorage(this.jarDir, propsFile, logDir);
    const offset = existsSync(this.logFile) ? statSync(this.logFile).size : 0;
    const child = spawnBroker(this.jarDir, propsFile, this.logFile, this.opts.detached === true);
    this.child = child;
    if (!this.opts.detached) process.once('exit', this.killOnExit);
    try {
      await waitForReady(child, this.port, this.logFile, offset);
    } catch (err) {
      await this.halt();
      throw err;
    }
    if (this.opts.detached) child.unref();
    (this.opts.log ?? silent)(`kafka ${KAFKA_VERSION} ready on ${this.brokers[0]} in ${Date.now() - started} ms`);
  }

  private async halt(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    const pid = this.child?.pid;
    this.child = undefined;
    if (pid !== undefined) await stopProcess(pid);
  }

  /** Stops the broker (SIGTERM, SIGKILL after 20 s); removes the data dir if start() created it. */
  async stop(): Promise<void> {
    await this.halt();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  /** Stops and starts again on the same ports and data (no reformat), e.g. to simulate an outage. */
  async restart(): Promise<void> {
    await this.halt();
    await this.launch();
  }

  /** Takes the broker away, keeping its ports and data, until `resume()`: an outage that lasts. */
  async pause(): Promise<void> {
    await this.halt();
  }

  /**
   * SIGKILL, as a crashed node or an OOM-killed pod: no controlled shutdown, no flush, no leader handover. Keeps
   * its ports and data, so `resume()` (or `restart()`) starts it again where it was, through log recovery.
   */
  async kill(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    const pid = this.child?.pid;
    this.child = undefined;
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return; // already gone
    }
    // SIGKILL cannot be caught; the deadline only guards against a pid that never reports gone.
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  }

  /** True while the broker's JVM runs (false after pause() or kill(), until resume()). */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** Brings a paused broker back on the same ports and data; a no-op while it runs. */
  async resume(): Promise<void> {
    if (this.child) return;
    await this.launch();
  }
}
