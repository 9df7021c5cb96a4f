import { ServiceProcess } from '@latchkey/service-testing';
import { eventually } from '@latchkey/testing';

/** The services a fault case runs, each as a process of its own. */
export type ServiceName = 'issuer' | 'face-api' | 'audit';

/** What a SIGTERM came to: the exit code (0: a clean shutdown) and how long it took. */
export interface Termination {
  readonly code: number | null;
  readonly ms: number;
}

/** How long a service may take to answer /readyz 200 again after a fault, without help (the bound). */
export const READY_AGAIN_MS = 60_000;

/** How long the supervisor waits before starting a crashed service again (kubelet's first back-off is 10 s; shorter here). */
const RESTART_DELAY_MS = 1_000;

/**
 * One service of the fleet across its restarts: the same port (a restarted issuer must be found where the face-api
 * fetches its JWKS, as behind a Service in Kubernetes), the same database and data directory, the same secrets.
 * The orchestrator's part (starting it again after a crash or a stop) is the test's, through `start()`.
 */
export class FleetService {
  private current: ServiceProcess | undefined;
  /** Output of the processes that came before the current one, for diagnostics. */
  private earlier = '';

  constructor(
    readonly name: ServiceName,
    /** Where it listens, every time it starts. */
    readonly port: number,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** True while a process of it runs (it may still be booting or not ready). */
  get running(): boolean {
    return this.current !== undefined;
  }

  /**
   * Boots it (once its ready line and /readyz 200 say so); `once` adds variables for this boot only, e.g. a
   * crash point (LATCHKEY_CRASH_AT) that must not fire again in the process that replaces the crashed one.
   */
  async start(once: Readonly<Record<string, string>> = {}): Promise<void> {
    if (this.current) throw new Error(`${this.name} is already running`);
    const portVariable = `LATCHKEY_${this.name.toUpperCase().replace(/-/g, '_')}_PORT`;
    const child = await ServiceProcess.start(this.name, { env: { LOG_LEVEL: 'info', ...this.env, [portVariable]: String(this.port), ...once } });
    this.current = child;
    void child.whenExited().then((code) => this.onExit(child, code));
  }

  /**
   * Exits of its processes that no test step asked for (a crash, a crash point firing), in order. Each one is
   * followed by a restart after RESTART_DELAY_MS, as Kubernetes restarts a container that exited
   * (restartPolicy: Always): the platform's own recovery, not help from the test.
   */
  readonly crashes: string[] = [];
  private restarting: Promise<void> | undefined;

  private onExit(child: ServiceProcess, code: number | null): void {
    if (this.current !== child) return; // kill(), terminate() or stop() took it first: asked for
    this.take();
    this.crashes.push(`${this.name} exited by itself (code ${String(code)})`);
    if (this.stopped) return;
    this.restarting = this.restartUntilUp().finally(() => (this.restarting = undefined));
  }

  /**
   * Starts it again after a crash, and again after each boot that fails (its database still away, say), waiting
   * RESTART_DELAY_MS doubled each time up to 10 s between attempts, as kubelet's CrashLoopBackOff does; until it
   * runs or the fleet stops. A failed boot is noted in `bootFailures`, not counted as another crash.
   */
  private async restartUntilUp(): Promise<void> {
    for (let delay = RESTART_DELAY_MS; !this.stopped; delay = Math.min(delay * 2, 10_000)) {
      await new Promise((done) => setTimeout(done, delay));
      if (this.stopped) return;
      try {
        await this.start();
        return;
      } catch (error) {
        this.bootFailures.push(`${this.name} could not be restarted: ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }

  /** Boots after a crash that failed (each retried by the supervisor). */
  readonly bootFailures: string[] = [];

  /** Waits (at most `timeoutMs`) until it has crashed `count` times in all (a crash point fired); its restart follows on its own. */
  async crashed(timeoutMs: number, count = 1): Promise<void> {
    await eventually(() => this.crashes.length >= count, { timeoutMs, intervalMs: 100, what: `${this.name} to crash` });
  }

  /** SIGKILL, as a crashed pod: nothing of its shutdown runs. */
  async kill(): Promise<void> {
    const child = this.take();
    await child?.kill();
  }

  /** SIGTERM, as an orchestrator stops a pod, and the wait for its exit (SIGKILL after 15 s). */
  async terminate(): Promise<Termination> {
    const child = this.take();
    const started = Date.now();
    const code = child ? await child.stop() : null;
    return { code, ms: Date.now() - started };
  }

  /** True when it answers /readyz 200 now. */
  async ready(): Promise<boolean> {
    try {
      return (await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200;
    } catch {
      return false;
    }
  }

  /** Its output across every process it ran so far (the last 16 MB of each), for diagnostics. */
  logs(): string {
    return this.earlier + (this.current?.logs() ?? '');
  }

  /** Stops it for good (SIGTERM, the leak scan of ServiceProcess.stop); a no-op once it is gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.restarting;
    await this.take()?.stop();
  }

  private stopped = false;

  private take(): ServiceProcess | undefined {
    const child = this.current;
    this.current = undefined;
    if (child) this.earlier += child.logs().slice(-1024 * 1024);
    return child;
  }
}
