import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { FALLBACK_SERVICE_NAME, setServiceName } from './service-name';

/** What the bootstrap started; only its shutdown is needed afterwards. */
export interface RunningTelemetry {
  shutdown(): Promise<void>;
}

let running: RunningTelemetry | undefined;

export function setRunningTelemetry(telemetry: RunningTelemetry): void {
  running = telemetry;
}

export function isTelemetryRunning(): boolean {
  return running !== undefined;
}

/**
 * Flushes pending spans and stops the SDK, then resets the OpenTelemetry API
 * to its no-op state. Safe to call when telemetry never started.
 */
export async function shutdownTelemetry(): Promise<void> {
  const current = running;
  running = undefined;
  if (current === undefined) return;
  // A batch waiting on the deferred service name must not block the flush.
  setServiceName(FALLBACK_SERVICE_NAME);
  try {
    await current.shutdown();
  } finally {
    trace.disable();
    metrics.disable();
    context.disable();
    propagation.disable();
  }
}
