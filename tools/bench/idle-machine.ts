/**
 * The benchmarks share two cores with whatever else runs (tests, builds):
 * before measuring, wait a while for the 1-minute load average to fall
 * below a threshold, and say so when it did not.
 */
import { loadavg } from 'node:os';

const POLL_MS = 5_000;

/** Resolves once the 1-minute load average is below `threshold`, or after `maxWaitMs` with a warning. Threshold 0 skips the wait. */
export async function waitForIdleMachine(threshold: number, maxWaitMs = 180_000): Promise<void> {
  if (threshold <= 0) return;
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const load = loadavg()[0] ?? 0;
    if (load < threshold) return;
    if (Date.now() > deadline) {
      console.error(`load average still ${load.toFixed(2)} after ${maxWaitMs / 1000} s: measuring anyway (the numbers will be lower)`);
      return;
    }
    console.error(`waiting for the machine to settle: 1-minute load average ${load.toFixed(2)} (want < ${threshold})`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
