import { defineConfigSlice, envInteger, type ConfigOf } from '@latchkey/config';

/**
 * Early global load shedding (docs/OPERATIONS.md "Load shedding"): when the
 * process is overloaded, requests are refused with 503 and `Retry-After`
 * before any work is done for them. Probes and /metrics are never shed. A
 * threshold of 0 turns that signal off.
 */
export const loadSheddingConfig = defineConfigSlice('load-shedding', {
  LATCHKEY_SHED_MAX_IN_FLIGHT: envInteger({ min: 0, max: 1_000_000 })
    .default(256)
    .describe(
      'Most requests (probes and /metrics excepted) the process serves at once; one more is refused with 503 `ServerOverloaded` and `Retry-After`. Bounds queueing delay (about this many divided by the throughput) and the memory held by waiting requests. 0 turns the cap off.',
    ),
  LATCHKEY_SHED_MAX_EVENT_LOOP_DELAY_MS: envInteger({ min: 0, max: 60_000 })
    .default(500)
    .describe(
      'Mean event-loop delay (ms, over the last 500 ms sample) from which new requests are refused with 503 until the next sample is below it: a loop this late answers everything late (a stall, GC, CPU taken by neighbours). The backstop behind the in-flight cap, kept high so a busy shared host does not trip it. 0 turns the signal off.',
    ),
  LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION: envInteger({ min: 0, max: 100 })
    .default(0)
    .describe(
      'Event-loop utilisation (percent, over the last 500 ms sample) at or above which new requests are refused with 503 until the next sample is below it. Off (0) by default: a loop busy 100 % at capacity still answers in bounded time, and the in-flight cap bounds that time.',
    ),
  LATCHKEY_SHED_RETRY_AFTER_SECONDS: envInteger({ min: 1, max: 3600 }).default(1).describe('The `Retry-After` (seconds) of a shed request.'),
});

/** The loaded values of {@link loadSheddingConfig}. */
export type LoadSheddingConfig = ConfigOf<typeof loadSheddingConfig>;
