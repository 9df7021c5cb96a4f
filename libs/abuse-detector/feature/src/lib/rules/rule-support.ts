import type { EventData, EventDefinition, EventEnvelope } from '@latchkey/contracts';
import type { Finding } from './rule';

/** A finding carries at most this many evidence ids (the alert contract's bound). */
export const MAX_EVIDENCE = 100;

/** The event's own time in ms: rules never read the wall clock, so a replay rebuilds the same windows. */
export function eventTimeMs(event: EventEnvelope): number {
  return Date.parse(event.time);
}

/**
 * The event's data typed as `definition`'s, or undefined when it is another
 * type. The consumer has already validated the envelope against its
 * contract (libs/messaging), so the cast is the contract's own type.
 */
export function dataOf<E extends EventDefinition>(definition: E, event: EventEnvelope): EventData<E> | undefined {
  return event.type === definition.type ? (event.data as EventData<E>) : undefined;
}

/** A finding observed at the event's time, its evidence cut to the newest {@link MAX_EVIDENCE}. */
export function findingAt(event: EventEnvelope, finding: Omit<Finding, 'observedAt'>): Finding {
  return { ...finding, evidenceEventIds: finding.evidenceEventIds.slice(-MAX_EVIDENCE), observedAt: new Date(event.time) };
}

/** A duration for an explanation: "60 s", "10 min". */
export function describeWindow(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

/**
 * The window key of one ISV's client: the ISV (empty when unknown) and the
 * canonical client resource. One resource can be a client of several ISVs,
 * so a rule about a client counts each ISV's tokens apart; counting them
 * together would fire on one ISV's traffic and name whichever ISV the
 * crossing event happened to carry. NUL cannot occur in either id.
 */
export function clientKey(isvId: string | null, resourceId: string): string {
  return `${isvId ?? ''}\u0000${resourceId}`;
}

/** " of ISV <id>" for an explanation, or "" when the ISV is unknown. */
export function ofIsv(isvId: string | null): string {
  return isvId === null ? '' : ` of ISV ${isvId}`;
}
