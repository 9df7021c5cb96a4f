import {
  ALERT_SEVERITY_ORDER,
  type AbuseCase,
  type CaseActor,
  type CaseHistoryEntry,
  type CaseStatus,
  type CaseTransition,
} from '@latchkey/abuse-detector/data-access';
import type { Alert } from '@latchkey/abuse-detector/data-access';

/** At most this many alert ids per case (the newest kept); the history is bounded the same way. */
export const MAX_CASE_ALERTS = 100;
const MAX_HISTORY = 200;
const MAX_SUMMARY = 2000;

/** The statuses that end a case: it takes no more answers, and a later alert opens a new case. */
export const FINAL_CASE_STATUSES: readonly CaseStatus[] = ['client-blocked', 'escalated', 'closed'];

/** The detector itself, as the actor of the transitions it makes. */
export const DETECTOR: CaseActor = { kind: 'detector', id: 'abuse-detector' };

/** A case after a transition, and the transition (what is published and sent). */
export interface Moved {
  readonly next: AbuseCase;
  readonly entry: CaseHistoryEntry;
}

/** A transition asked of a case that has ended. */
export class CaseEndedError extends Error {
  constructor(readonly current: AbuseCase) {
    super(`case ${current.id} is ${current.status}`);
  }
}

/** An alert that can open or join a case: it names the ISV and its client. */
export type CaseAlert = Alert & { readonly isvId: string; readonly resourceId: string };

/** Whether an alert concerns one client of one ISV (alerts about an ISV as a whole, or with no known ISV, open no case). */
export function isCaseAlert(alert: Alert): alert is CaseAlert {
  return alert.isvId !== null && alert.resourceId !== null;
}

/** A new case opened by `alert`, waiting for the ISV until `now + deadlineMs`. */
export function openCase(id: string, alert: CaseAlert, now: Date, deadlineMs: number): Moved {
  const entry = historyEntry('opened', 'open', DETECTOR, alert.explanation, alert.id, now);
  return {
    entry,
    next: {
      id,
      isvId: alert.isvId,
      resourceId: alert.resourceId.toLowerCase(),
      status: 'open',
      severity: alert.severity,
      alertIds: [alert.id],
      summary: summaryLine(alert),
      openedAt: now,
      deadlineAt: new Date(now.getTime() + deadlineMs),
      updatedAt: now,
      history: [entry],
    },
  };
}

/**
 * A further alert about the case's client. Undefined when the case already
 * holds it (an alert that grows adds nothing). An acknowledged case is
 * reopened with a new deadline: the ISV said it would act, and the abuse
 * goes on. An open case keeps its deadline (new alerts do not buy time).
 */
export function addAlert(current: AbuseCase, alert: Alert, now: Date, deadlineMs: number): Moved | undefined {
  if (current.alertIds.includes(alert.id)) return undefined;
  if (FINAL_CASE_STATUSES.includes(current.status)) throw new CaseEndedError(current);
  const reopened = current.status === 'acknowledged';
  const entry = historyEntry('alert-added', 'open', DETECTOR, alert.explanation, alert.id, now);
  return {
    entry,
    next: {
      ...current,
      status: 'open',
      severity: higher(current.severity, alert.severity),
      alertIds: [...current.alertIds, alert.id].slice(-MAX_CASE_ALERTS),
      summary: `${current.summary}\n${summaryLine(alert)}`.slice(-MAX_SUMMARY),
      deadlineAt: reopened ? new Date(now.getTime() + deadlineMs) : current.deadlineAt,
      updatedAt: now,
      history: appendHistory(current.history, entry),
    },
  };
}

/** The ISV acknowledged: it is acting on it. The deadline stops; the next alert reopens the case. */
export function acknowledge(current: AbuseCase, isvId: string, note: string, now: Date): Moved {
  return move(current, 'acknowledged', 'acknowledged', { kind: 'isv', id: isvId }, note, now, null);
}

/** The ISV blocked its client: the case ends (the caller revokes the client). */
export function blockClient(current: AbuseCase, isvId: string, note: string, now: Date): Moved {
  return move(current, 'client-blocked', 'client-blocked', { kind: 'isv', id: isvId }, note, now, null);
}

/** The deadline passed with the case still open: it ends escalated (the caller applies the escalation). */
export function escalate(current: AbuseCase, reason: string, now: Date): Moved | undefined {
  if (current.status !== 'open' || current.deadlineAt === null || current.deadlineAt > now) return undefined;
  return move(current, 'escalated', 'escalated', DETECTOR, reason, now, null);
}

/** An operator closed the case (resolved, or a false positive). */
export function close(current: AbuseCase, operator: string, reason: string, now: Date): Moved {
  return move(current, 'closed', 'closed', { kind: 'operator', id: operator }, reason, now, null);
}

function move(
  current: AbuseCase,
  transition: CaseTransition,
  status: CaseStatus,
  actor: CaseActor,
  reason: string,
  now: Date,
  deadlineAt: Date | null,
): Moved {
  if (FINAL_CASE_STATUSES.includes(current.status)) throw new CaseEndedError(current);
  const entry = historyEntry(transition, status, actor, reason, null, now);
  return { entry, next: { ...current, status, deadlineAt, updatedAt: now, history: appendHistory(current.history, entry) } };
}

function historyEntry(
  transition: CaseTransition,
  status: CaseStatus,
  actor: CaseActor,
  reason: string,
  alertId: string | null,
  at: Date,
): CaseHistoryEntry {
  return { transition, status, actor, reason: reason.slice(0, MAX_SUMMARY), alertId, at: at.toISOString() };
}

/** The history with `entry` last; when full, the first entry (the opening) stays and the oldest after it goes. */
function appendHistory(history: readonly CaseHistoryEntry[], entry: CaseHistoryEntry): CaseHistoryEntry[] {
  const [opening, ...rest] = [...history, entry];
  if (opening === undefined || rest.length < MAX_HISTORY) return [...history, entry];
  return [opening, ...rest.slice(rest.length - MAX_HISTORY + 1)];
}

function summaryLine(alert: Alert): string {
  return `[${alert.severity}] ${alert.ruleId}: ${alert.explanation}`.slice(0, 500);
}

function higher(a: AbuseCase['severity'], b: AbuseCase['severity']): AbuseCase['severity'] {
  return ALERT_SEVERITY_ORDER.indexOf(a) >= ALERT_SEVERITY_ORDER.indexOf(b) ? a : b;
}
