import { z } from 'zod';

/**
 * Deterministic crash points for the fault suite (faults/). Some of the
 * failures the platform must survive happen in a window a few microseconds
 * wide: the outbox relay dies after the broker acknowledged a batch but before
 * the rows are marked published; the audit consumer dies after its insert
 * committed but before the Kafka offset is; the issuer dies after the issuance
 * committed but before the token was answered. A SIGKILL sent from outside
 * lands in such a window only by luck, so a test could pass without ever
 * exercising it. `LATCHKEY_CRASH_AT=<point>[@<n>]` makes the process SIGKILL
 * itself the n-th time (default 1st) it reaches that point, exactly there.
 *
 * Unset (always, outside fault tests) every call is one comparison with
 * `undefined`. The process says loudly at boot when a point is armed.
 */
export const CRASH_POINTS = [
  /** OutboxRelay: the broker acknowledged the batch; the rows are not yet marked published. */
  'outbox.published-not-marked',
  /** KafkaTransport consumer: the handler's effect is durable; the offset is not yet committed. */
  'consumer.handled-not-committed',
  /** Issuer: the issuance and its event committed; the token is not yet answered. */
  'issuer.committed-not-answered',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** A parsed `LATCHKEY_CRASH_AT`: crash on the `occurrence`-th arrival at `point`. */
export interface CrashPlan {
  readonly point: CrashPoint;
  readonly occurrence: number;
}

const PROBLEM = `must be <point>[@<n>] with <point> one of ${CRASH_POINTS.join(', ')} and n ≥ 1`;

/** The config field of `LATCHKEY_CRASH_AT` (see platformConfig). */
export function envCrashPlan() {
  return z
    .string()
    .trim()
    .transform((value, ctx): CrashPlan => {
      const match = /^([a-z.-]+)(?:@(\d{1,9}))?$/.exec(value);
      const point = CRASH_POINTS.find((p) => p === match?.[1]);
      const occurrence = Number(match?.[2] ?? '1');
      if (point === undefined || occurrence < 1) {
        ctx.addIssue({ code: 'custom', message: PROBLEM });
        return z.NEVER;
      }
      return { point, occurrence };
    })
    .meta({ format: '<point>[@<n>]' });
}

/** What a crash point does when it fires; the real one kills the process. */
export type Crash = (point: CrashPoint) => void;
const killSelf: Crash = () => void process.kill(process.pid, 'SIGKILL');

let armed: { point: CrashPoint; remaining: number; crash: Crash } | undefined;

/** Arms the plan for this process (runService does, from the validated configuration); undefined disarms. */
export function armCrashPoint(plan: CrashPlan | undefined, crash: Crash = killSelf): void {
  armed = plan === undefined ? undefined : { point: plan.point, remaining: plan.occurrence, crash };
}

/** Marks a crash point in the code: kills the process here when the armed plan says so. */
export function crashPoint(point: CrashPoint): void {
  if (armed === undefined || armed.point !== point) return;
  armed.remaining -= 1;
  if (armed.remaining === 0) armed.crash(point);
}
