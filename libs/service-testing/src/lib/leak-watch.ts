import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '@latchkey/testing';

/**
 * What a token, a key or a client secret of the platform looks like: a compact JWS (`eyJ…` header and payload), or
 * an API key with its kind's prefix (libs/tokens api-key.ts: isv, client, operator, OAuth application). A test's own
 * operator keys (`op-…`) are checked by the tests that made them.
 */
const SECRET_SHAPES: readonly RegExp[] = [/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/, /lk_(isv|cli|op|app)_[A-Za-z0-9_-]{20,}/];

/** The first secret-shaped run in `text`, shortened so that the failure message does not repeat it whole. */
export function secretShapeIn(text: string): string | undefined {
  for (const shape of SECRET_SHAPES) {
    const found = shape.exec(text)?.[0];
    if (found !== undefined) return `${found.slice(0, 12)}…`;
  }
  return undefined;
}

let receiver: Promise<OtlpTraceReceiver> | undefined;
let started: OtlpTraceReceiver | undefined;

/**
 * One OTLP/HTTP receiver per test file (jest gives each its own module registry), to which every service process
 * the file starts exports its spans, so that each process's spans are scanned for secrets when it stops, as its
 * log and its /metrics are (ServiceProcess.stop). Left running until the file's worker exits.
 */
export function leakWatchReceiver(): Promise<OtlpTraceReceiver> {
  receiver ??= startOtlpTraceReceiver().then((listening) => {
    // The worker must not wait on it.
    listening.unref();
    started = listening;
    return listening;
  });
  return receiver;
}

/** Every span body the file's receiver got so far, or undefined when no process exported to it. */
export function leakWatchSpans(): string | undefined {
  return started?.rawBodies().join('\n');
}
