/**
 * kafkajs 2.2.4 (its last release) keeps every broker connection's request queue in a 1-ms timer loop once
 * the first response arrived: `scheduleCheckPendingRequests` schedules the next check even with nothing pending
 * and no throttle, at `throttledUntil - Date.now()` ms, which is negative, i.e. 1 ms. Each connection then wakes
 * the event loop a thousand times a second for nothing (tulios/kafkajs#1556, #1704; the fixes, #1667 and #1768,
 * were never merged). Measured here: the standalone platform on Kafka, idle, used 38–45 % of a core.
 *
 * The fix is the narrowest that removes the loop: with nothing pending and no throttle in force there is nothing
 * to check, so no check is scheduled. Every other case goes to kafkajs's own method unchanged: a pending request
 * still gets its check (at the throttle's end or after 10 ms), and a throttle still ends with one. Requests
 * enqueued later schedule their own check (`push`), and every response runs one (`fulfillRequest`).
 *
 * Written by hand because the library is unmaintained and no patched release exists; a runtime patch rather
 * than a patched node_modules because the container image installs with `--ignore-scripts`. The spec pins the
 * kafkajs version, so an upgrade has to look at this again.
 */
// kafkajs publishes no types for its internals; this is the part of RequestQueue the fix touches.
const RequestQueue = require('kafkajs/src/network/requestQueue') as RequestQueueClass;

/** The kafkajs version whose RequestQueue this was written against. */
export const KAFKAJS_VERSION_PATCHED = '2.2.4';

interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
}

interface RequestQueueClass {
  prototype: RequestQueueState & { scheduleCheckPendingRequests(this: RequestQueueState): void };
}

const PATCHED = Symbol.for('latchkey.kafkajs-idle-loop-fix');

/** Applies the fix once per process (and per worker thread: each loads its own kafkajs). Idempotent. */
export function fixKafkajsIdleLoop(): void {
  const prototype = RequestQueue.prototype as RequestQueueClass['prototype'] & { [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  const schedule = prototype.scheduleCheckPendingRequests;
  if (typeof schedule !== 'function') throw new Error('kafkajs RequestQueue has no scheduleCheckPendingRequests: re-check kafkajs-idle-loop-fix.ts');
  prototype.scheduleCheckPendingRequests = function (this: RequestQueueState) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  prototype[PATCHED] = true;
}
