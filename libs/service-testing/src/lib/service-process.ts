import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { eventually, TEST_SERVICE_ENV, testKafkaBrokers } from '@latchkey/testing';
import { leakWatchReceiver, leakWatchSpans, secretShapeIn } from './leak-watch';

/** swc-node reads the root tsconfig.json (path aliases, decorator metadata) from the working directory, as `npm start` does. */
const ROOT = resolve(__dirname, '../../../..');
const BOOT_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** The child's output kept for log assertions and diagnostics: a whole test file's worth, bounded all the same. */
const OUTPUT_TAIL_CHARS = 16 * 1024 * 1024;

/** Variables every process a test file starts gets (jest gives each file its own module registry). */
let defaultEnvironment: Readonly<Record<string, string>> = {};

/**
 * Sets variables for every service process the test file starts from now on, whichever helper starts it
 * (IssuerProcess, AbuseDetectorProcess…): e.g. OTEL_EXPORTER_OTLP_ENDPOINT for a test that collects their spans.
 */
export function setServiceProcessDefaults(env: Readonly<Record<string, string>>): void {
  defaultEnvironment = env;
}

/** How to start a service process. */
export interface ServiceProcessOptions {
  /** Its whole environment but PATH, HOME, KAFKA_BROKERS (the test broker) and its port variable (0). */
  readonly env: Readonly<Record<string, string>>;
  /** Modules preloaded with `node -r` after swc-node (e.g. a skewed clock), by absolute path. */
  readonly preload?: readonly string[];
}

/**
 * One service of the platform run as its own process exactly as deployed (`node -r @swc-node/register
 * apps/<name>/src/main.ts`, the way package.json's `start` runs apps): a test of one service may not import
 * another's feature lib (Nx scope rule), a process boundary is what the services meet in production anyway, and
 * only a process can be SIGKILLed. It listens on port 0 and is handed over once its ready line (printed after
 * every readiness check) names where, and `/readyz` agrees.
 */
export class ServiceProcess {
  private constructor(
    private readonly name: string,
    /** Where it really listens, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
    private readonly output: () => string,
  ) {}

  /** Boots `apps/<name>/src/main.ts`; a boot that fails or exits fails with the tail of its output. */
  static async start(name: string, options: ServiceProcessOptions): Promise<ServiceProcess> {
    const port = `LATCHKEY_${name.toUpperCase().replace(/-/g, '_')}_PORT`;
    // Every process exports its spans to the file's receiver, scanned for secrets at stop, unless the test collects them.
    const tracing =
      defaultEnvironment['OTEL_EXPORTER_OTLP_ENDPOINT'] === undefined && options.env['OTEL_EXPORTER_OTLP_ENDPOINT'] === undefined
        ? { OTEL_EXPORTER_OTLP_ENDPOINT: (await leakWatchReceiver()).endpoint, OTEL_BSP_SCHEDULE_DELAY: '500' }
        : {};
    const preload = (options.preload ?? []).flatMap((path) => ['-r', path]);
    const child = spawn(process.execPath, ['-r', '@swc-node/register', ...preload, `apps/${name}/src/main.ts`], {
      cwd: ROOT,
      // A clean environment: nothing of the test process (NODE_OPTIONS, jest's or another service's variables) leaks in.
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        KAFKA_BROKERS: (testKafkaBrokers() ?? []).join(','),
        [port]: '0',
        ...TEST_SERVICE_ENV,
        ...tracing,
        ...defaultEnvironment,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const append = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > OUTPUT_TAIL_CHARS) output = output.slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

    const ready = new RegExp(`^${name} ready on (http://\\S+)$`, 'm');
    try {
      const readyLine = eventually(() => ready.exec(output)?.[1] ?? false, { timeoutMs: BOOT_TIMEOUT_MS, what: `the ${name} ready line` });
      const died = exited.then((code): never => {
        throw new Error(`${name} exited during boot (code ${String(code)})`);
      });
      const url = String(await Promise.race([readyLine, died]));
      // The ready line already waits for every readiness check; /readyz is what a deployment's probe asks.
      await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, { timeoutMs: 10_000, what: `${name} /readyz 200` });
      return new ServiceProcess(name, url, child, exited, () => output);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${(error as Error).message}\n--- ${name} output (tail) ---\n${output.slice(-4000)}`, { cause: error });
    }
  }

  /** Its stdout and stderr so far (the last 16 MB), for assertions that nothing secret was logged, and diagnostics. */
  logs(): string {
    return this.output();
  }

  /** Resolves with the exit code once the process has ended, whatever ended it (a signal, a crash point, a failure). */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  /** SIGKILL: the process ends at once, mid-transaction or mid-batch, as a crashed pod does. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /**
   * SIGTERM, as an orchestrator stops it, and waits for the exit (SIGKILL after 15 s).
   * @returns the exit code (0 for a clean shutdown; null when a signal ended it)
   */
  async stop(): Promise<number | null> {
    let code: number | null;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const metrics = await fetch(`${this.url}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      code = await this.exited;
      clearTimeout(timer);
      this.assertNothingLeaked(metrics);
    } else {
      code = await this.exited;
    }
    return code;
  }

  /**
   * Issue 9's scan, run for every service process of the integration suites: no token, API key or client secret in
   * what it logged, what its /metrics showed at the end, or any span it exported (flushed on the way out).
   */
  private assertNothingLeaked(metrics: string): void {
    const where: Record<string, string> = { logs: this.output(), metrics };
    // The file's receiver holds every process's spans; the exit above flushed this one's.
    const spans = leakWatchSpans();
    if (spans !== undefined) where['spans'] = spans;
    for (const [kind, text] of Object.entries(where)) {
      const found = secretShapeIn(text);
      if (found !== undefined) throw new Error(`${this.name} put something shaped like a token or key (${found}) in its ${kind}`);
    }
  }
}
