import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';

/** Resolves when its dependency is ready; throws (or rejects) when it is not. */
export type ReadinessCheck = () => Promise<void> | void;

export interface ReadinessResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why a check is down; the underlying error is logged, never served. */
  readonly reason?: 'failed' | 'timeout' | 'shutting-down';
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: readonly ReadinessResult[];
}

/** Injection token of the per-check timeout, in milliseconds. */
export const READINESS_CHECK_TIMEOUT_MS = Symbol('READINESS_CHECK_TIMEOUT_MS');
export const DEFAULT_READINESS_CHECK_TIMEOUT_MS = 2_000;

/** The pseudo-check reported once shutdown has begun. */
export const SHUTDOWN_CHECK = 'shutdown';

class CheckTimeout extends Error {}

/**
 * Readiness prerequisites of one app. Platform libs and features register a
 * check in `onModuleInit` (database reachable, revocation topic loaded…);
 * `/readyz` is 200 only when every check passes within its timeout.
 */
@Injectable()
export class ReadinessRegistry implements OnModuleDestroy {
  private readonly checks = new Map<string, ReadinessCheck>();
  private shuttingDown = false;
  private lastFailing = '';

  constructor(
    @Optional() @Inject(READINESS_CHECK_TIMEOUT_MS) private readonly timeoutMs: number = DEFAULT_READINESS_CHECK_TIMEOUT_MS,
    @Optional() private readonly logger?: PinoLogger,
  ) {
    this.logger?.setContext(ReadinessRegistry.name);
  }

  /**
   * Adds a named check.
   * @returns a function that removes it again.
   * @throws Error when the name is taken.
   */
  register(name: string, check: ReadinessCheck): () => void {
    if (name === SHUTDOWN_CHECK || this.checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.checks.set(name, check);
    return () => {
      if (this.checks.get(name) === check) this.checks.delete(name);
    };
  }

  /** From now on the app reports not ready, so load balancers drain it before it closes. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  onModuleDestroy(): void {
    this.markShuttingDown();
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Runs every check concurrently, each bounded by the timeout. */
  async evaluate(): Promise<ReadinessReport> {
    const results = await Promise.all([...this.checks].map(([name, check]) => this.run(name, check)));
    const checks: ReadinessResult[] = this.shuttingDown
      ? [...results, { name: SHUTDOWN_CHECK, ok: false, reason: 'shutting-down' }]
      : results;
    const report = { ready: checks.every((check) => check.ok), checks };
    this.logTransition(report);
    return report;
  }

  private async run(name: string, check: ReadinessCheck): Promise<ReadinessResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeout()), this.timeoutMs);
    });
    try {
      await Promise.race([Promise.resolve().then(check), timeout]);
      return { name, ok: true };
    } catch (error) {
      const reason = error instanceof CheckTimeout ? 'timeout' : 'failed';
      this.logger?.debug({ err: error, check: name, reason }, 'readiness check is down');
      return { name, ok: false, reason };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs changes only: probes poll every few seconds. */
  private logTransition(report: ReadinessReport): void {
    const failing = report.checks.filter((check) => !check.ok);
    const key = failing.map((check) => `${check.name}:${check.reason}`).join(',');
    if (key === this.lastFailing) return;
    this.lastFailing = key;
    if (failing.length === 0) this.logger?.info('ready');
    else this.logger?.warn({ failing: failing.map(({ name, reason }) => ({ name, reason })) }, 'not ready');
  }
}
