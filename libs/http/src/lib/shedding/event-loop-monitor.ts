import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';

/** How busy and how late the event loop was since the previous sample. */
export interface EventLoopSample {
  /** Event-loop utilisation, 0–1. */
  readonly utilization: number;
  /** Mean event-loop delay, ms. */
  readonly meanDelayMs: number;
}

/** Where the shedder reads event-loop pressure from; tests substitute fixed samples. */
export interface EventLoopMonitor {
  /** The pressure since the previous call (or since the monitor started). */
  sample(): EventLoopSample;
  stop(): void;
}

/** Resolution of Node's delay histogram: fine enough for thresholds in the tens of ms, cheap enough to run always. */
const DELAY_RESOLUTION_MS = 10;

/**
 * The real loop, measured by Node itself (`performance.eventLoopUtilization`
 * and `monitorEventLoopDelay`): both are maintained by libuv/V8 outside
 * JavaScript, so reading them costs nothing per request.
 */
export function nodeEventLoopMonitor(): EventLoopMonitor {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  histogram.enable();
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  return {
    sample() {
      const current = performance.eventLoopUtilization();
      const delta = performance.eventLoopUtilization(current, previous);
      previous = current;
      // The histogram counts lateness beyond its own resolution timer; mean is NaN before the first tick.
      const meanDelayMs = Number.isFinite(histogram.mean) ? Math.max(0, histogram.mean / 1e6 - DELAY_RESOLUTION_MS) : 0;
      histogram.reset();
      return { utilization: delta.utilization, meanDelayMs };
    },
    stop() {
      histogram.disable();
    },
  };
}
