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
      'Mean event-loop delay (ms, over the last 250 ms sample) from which every new request is refused with 503 until a sample is below it: a loop this late is stalled (a blocking call, a GC storm). The backstop behind the other two signals. 0 turns the signal off.',
    ),
  LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION: envInteger({ min: 0, max: 100 })
    .optional()
    .describe(
      "Event-loop utilisation (percent, per 250 ms sample) the instance steers under: at or over it while the loop is also late by at least 15 ms (mean delay smoothed over about a second), the share of requests admitted is cut by a fifth per sample (never below 5 %) and the rest refused with 503; otherwise a tenth of the traffic is given back per sample. Keeps a loop that is short of CPU able to read its sockets, so the latency of accepted requests stays bounded. Unset: the service's own default, 95 in the face-api (fast requests: the in-flight cap never fills) and off in the issuer (its requests wait on PostgreSQL, so the in-flight cap binds first). 0 turns the signal off.",
    ),
  LATCHKEY_SHED_RETRY_AFTER_SECONDS: envInteger({ min: 1, max: 3600 }).default(1).describe('The `Retry-After` (seconds) of a shed request.'),
});

/** The loaded values of {@link loadSheddingConfig}. */
export type LoadSheddingConfig = ConfigOf<typeof loadSheddingConfig>;
