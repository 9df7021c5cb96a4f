import type { RuleContext } from './rule';

/** Test support for the rule specs: a fixed origin of event time and issuance records. */
export const T0 = Date.parse('2026-03-02T10:00:00.000Z');

/** Envelope options for an event `ms` after {@link T0}. */
export function at(ms: number): { time: Date } {
  return { time: new Date(T0 + ms) };
}

/** A context that knows the given issued tokens (jti → ISV and resource) and nothing else. */
export function contextKnowing(tokens: Record<string, { isvId: string; resourceId: string }> = {}): RuleContext {
  return { issuedToken: (jti) => tokens[jti] };
}
