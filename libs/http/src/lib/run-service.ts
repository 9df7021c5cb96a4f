import type { DynamicModule, Type } from '@nestjs/common';
import {
  armCrashPoint,
  ConfigError,
  loadConfig,
  platformConfig,
  registeredConfigSlices,
  servicePortConfig,
  validateConfig,
  type Env,
} from '@latchkey/config';
import { setServiceName, shutdownTelemetry } from '@latchkey/telemetry';
import { createServiceApp, type ServiceHandle } from './create-service-app';
import { withDeadline } from './deadline';
import type { ReadinessRegistry } from './health/readiness.registry';

export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

/** How long a stopping service waits for its last spans to be exported; the OTLP exporter alone would retry for 10 s. */
export const TELEMETRY_FLUSH_MS = 2_000;

/** The process as runService sees it; tests substitute a fake. */
export interface ServiceRuntime {
  /** Configuration source; the process environment when absent. */
  readonly env?: Env;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly exit: (code: number) => void;
  readonly onSignal: (signal: ShutdownSignal, handler: () => void) => void;
  /** Interval between readiness evaluations before the ready line; 250 ms by default. */
  readonly readinessPollMs?: number;
}

/** The real process. */
export function processRuntime(): ServiceRuntime {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    exit: (code) => process.exit(code),
    onSignal: (signal, handler) => void process.on(signal, handler),
  };
}

/**
 * SIGINT/SIGTERM run `shutdown` once and exit 0, or 1 when it fails or
 * overruns its deadline; a second signal exits 1 at once. Nest's
 * `enableShutdownHooks()` is not used: it re-raises the signal per app, which
 * races when the standalone process hosts six apps, and has no deadline.
 */
export function handleShutdownSignals(shutdown: () => Promise<void>, runtime: ServiceRuntime = processRuntime()): void {
  let stopping = false;
  const onSignal = (signal: ShutdownSignal): void => {
    if (stopping) {
      runtime.stderr(`received ${signal} again during shutdown; exiting now\n`);
      runtime.exit(1);
      return;
    }
    stopping = true;
    shutdown().then(
      () => runtime.exit(0),
      (error: unknown) => {
        runtime.stderr(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        runtime.exit(1);
      },
    );
  };
  runtime.onSignal('SIGINT', () => onSignal('SIGINT'));
  runtime.onSignal('SIGTERM', () => onSignal('SIGTERM'));
}

/** Resolves true once every readiness check passes, false if shutdown starts first. */
export async function waitUntilReady(readiness: ReadinessRegistry, pollMs: number): Promise<boolean> {
  for (;;) {
    if (readiness.isShuttingDown) return false;
    if ((await readiness.evaluate()).ready) return !readiness.isShuttingDown;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function startupFailure(name: string, error: unknown): string {
  // A configuration error is the operator's to fix: its message says everything, a stack would only bury it.
  if (error instanceof ConfigError) return `${name}: ${error.message}\n`;
  return `${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
}

export interface RunServiceOptions {
  /** Service name (kebab-case), e.g. `issuer`; its port variable is LATCHKEY_<NAME>_PORT. */
  readonly name: string;
  readonly module: Type<unknown> | DynamicModule;
}

/**
 * Runs one service as the whole process (`apps/<svc>/src/main.ts`): validates
 * all configuration at once (platform, port, and every slice the service
 * imports), creates the app, prints `<name> ready on http://<host>:<port>` to
 * stdout once every readiness check passes, and shuts down gracefully on
 * SIGINT/SIGTERM within LATCHKEY_SHUTDOWN_TIMEOUT_MS. Invalid configuration
 * prints the error message (no stack) to stderr and exits 1.
 * @returns the handle, or undefined when the service could not start.
 */
export async function runService(options: RunServiceOptions, runtime: ServiceRuntime = processRuntime()): Promise<ServiceHandle | undefined> {
  setServiceName(options.name);
  const fail = (error: unknown): undefined => {
    runtime.stderr(startupFailure(options.name, error));
    runtime.exit(1);
    return undefined;
  };

  let shutdownTimeoutMs: number;
  let handle: ServiceHandle;
  try {
    validateConfig([platformConfig, servicePortConfig(options.name), ...registeredConfigSlices()], runtime.env);
    const platform = loadConfig(platformConfig, runtime.env);
    shutdownTimeoutMs = platform.LATCHKEY_SHUTDOWN_TIMEOUT_MS;
    if (platform.LATCHKEY_CRASH_AT !== undefined) {
      const { point, occurrence } = platform.LATCHKEY_CRASH_AT;
      runtime.stderr(`${options.name}: FAULT TEST: LATCHKEY_CRASH_AT armed, this process kills itself at ${point} (arrival ${occurrence})\n`);
    }
    armCrashPoint(platform.LATCHKEY_CRASH_AT);
    handle = await createServiceApp({ name: options.name, module: options.module, env: runtime.env });
  } catch (error) {
    return fail(error);
  }

  const stop = async (): Promise<void> => {
    await handle.close();
    // Traces are best effort: spans that cannot reach the collector at exit are lost, and that neither fails a
    // clean stop (exit 1 would read as a crash to the orchestrator) nor holds it past a short bound.
    await withDeadline(shutdownTelemetry(), TELEMETRY_FLUSH_MS, 'the last trace export').catch((error: unknown) => {
      runtime.stderr(`${options.name}: stopped; the last traces were not exported (${error instanceof Error ? error.message : String(error)})\n`);
    });
  };
  handleShutdownSignals(() => withDeadline(stop(), shutdownTimeoutMs, `stopping ${options.name}`), runtime);

  if (await waitUntilReady(handle.readiness, runtime.readinessPollMs ?? 250)) {
    runtime.stdout(`${options.name} ready on ${handle.url}\n`);
  }
  return handle;
}
