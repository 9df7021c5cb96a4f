/** Used when nothing names the process before the first export. */
export const FALLBACK_SERVICE_NAME = 'latchkey';

let resolveName: (name: string) => void = () => undefined;
let settled = false;
const serviceName = new Promise<string>((resolve) => {
  resolveName = resolve;
});

/**
 * Names this process for telemetry (`service.name`), unless OTEL_SERVICE_NAME
 * does. The telemetry bootstrap runs before any app exists, so the name is a
 * pending resource attribute that `runService` settles; the first call wins.
 */
export function setServiceName(name: string): void {
  if (settled) return;
  settled = true;
  resolveName(name);
}

/**
 * The service name once set, or FALLBACK_SERVICE_NAME after `fallbackAfterMs`
 * (exports wait for it, so they must not wait forever).
 */
export function deferredServiceName(fallbackAfterMs: number): Promise<string> {
  if (!settled) setTimeout(() => setServiceName(FALLBACK_SERVICE_NAME), fallbackAfterMs).unref();
  return serviceName;
}
