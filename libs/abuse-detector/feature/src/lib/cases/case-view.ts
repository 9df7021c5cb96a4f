import type { AbuseCase, CaseHistoryEntry, DeliveryRecord } from '@latchkey/abuse-detector/data-access';

/** A case on the wire (operator and ISV APIs, the console). */
export interface CaseView {
  readonly id: string;
  readonly isvId: string;
  readonly resourceId: string;
  readonly status: AbuseCase['status'];
  readonly severity: AbuseCase['severity'];
  readonly alertIds: readonly string[];
  readonly summary: string;
  readonly openedAt: string;
  readonly deadlineAt: string | null;
  readonly updatedAt: string;
  readonly history: readonly CaseHistoryEntry[];
}

/** What `CaseView` documents in OpenAPI descriptions. */
export const CASE_RESPONSE =
  '{ id, isvId, resourceId, status, severity, alertIds, summary, openedAt, deadlineAt, updatedAt, history: [{ transition, status, actor: { kind, id }, reason, alertId, at }] }';

export function caseView(c: AbuseCase): CaseView {
  return {
    id: c.id,
    isvId: c.isvId,
    resourceId: c.resourceId,
    status: c.status,
    severity: c.severity,
    alertIds: c.alertIds,
    summary: c.summary,
    openedAt: c.openedAt.toISOString(),
    deadlineAt: c.deadlineAt?.toISOString() ?? null,
    updatedAt: c.updatedAt.toISOString(),
    history: c.history,
  };
}

/** A webhook delivery as the operator sees it: never its body or the secret. */
export function deliveryView(d: DeliveryRecord) {
  return {
    id: d.id,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}
