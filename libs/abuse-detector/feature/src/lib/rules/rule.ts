import type { ALERT_SEVERITIES, ALERT_SUBJECT_KINDS, EventEnvelope } from '@latchkey/contracts';

/** How urgent an alert is (the contract's scale); the action policy maps it to notify or revoke. */
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** What an alert is about (the contract's kinds). */
export type AlertSubject = { readonly kind: (typeof ALERT_SUBJECT_KINDS)[number]; readonly id: string };

/**
 * A rule's finding: what crossed which threshold, with the evidence. The
 * alert store turns findings into alerts (one open alert per rule and
 * subject, whose count grows) and the action policy decides what to do.
 */
export interface Finding {
  readonly ruleId: string;
  readonly severity: AlertSeverity;
  readonly subject: AlertSubject;
  /** The ISV concerned, when known (an alert is keyed by it). */
  readonly isvId: string | null;
  /** The client resource concerned (canonical, lower case), when known: what a client revocation revokes. */
  readonly resourceId: string | null;
  /** CloudEvents ids of the events that crossed the threshold (at most 100, newest last). */
  readonly evidenceEventIds: readonly string[];
  /** For security operations, in plain words with the numbers that crossed the threshold; never a token or a key. */
  readonly explanation: string;
  /** The time of the event that made the rule fire. */
  readonly observedAt: Date;
}

/**
 * Facts a rule may need that the event itself does not carry, answered from
 * what the detector has seen (e.g. which client resource a `jti` was issued
 * for: a refusal for the wrong resource names the resource the token was
 * presented to, not its own).
 */
export interface RuleContext {
  /** The ISV and client resource a token was issued for, from `lat.issued`; undefined when unknown. */
  issuedToken(jti: string): { readonly isvId: string; readonly resourceId: string } | undefined;
}

/**
 * One detection rule over the live stream. Rules keep their windows in
 * memory, keyed by their subject; `consider` sees every event of the types
 * it declares, in partition order per key (not globally ordered), and
 * returns what crossed a threshold. Time comes from the events (`time`),
 * never the wall clock, so a replay after a restart rebuilds the same
 * windows and a test can drive time.
 */
export interface Rule {
  readonly id: string;
  /** CloudEvents types this rule reads. */
  readonly types: readonly string[];
  consider(event: EventEnvelope, context: RuleContext): readonly Finding[];
}
