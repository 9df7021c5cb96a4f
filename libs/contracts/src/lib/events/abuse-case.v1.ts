import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AzureResourceId } from '../shared/azure-resource-id';
import { AlertId, Identifier, IsvId } from '../shared/ids';
import { IsoDateTime } from '../shared/iso-datetime';
import { Topics } from '../topics';
import { ALERT_SEVERITIES } from './abuse-alert.v1';

/** Where a case stands. `open` waits for the ISV until its deadline; the last three are final. */
export const CASE_STATUSES = ['open', 'acknowledged', 'client-blocked', 'escalated', 'closed'] as const;

/**
 * What happened to a case: `opened` by an alert (or a leaked-token report), `alert-added` (a further
 * alert about the same client; an acknowledged case is reopened by it), `acknowledged` or
 * `client-blocked` by the ISV, `escalated` when the deadline passed unanswered, `closed` by an operator.
 */
export const CASE_TRANSITIONS = ['opened', 'alert-added', 'acknowledged', 'client-blocked', 'escalated', 'closed'] as const;

/** Who moved a case: the detector itself, the ISV (by its id), or an operator. */
export const CASE_ACTOR_KINDS = ['detector', 'isv', 'operator'] as const;

/**
 * A case changed: one event per transition, so audit holds the whole
 * history of every case (docs/ABUSE.md "Cases"). Keyed by ISV, so one
 * ISV's cases stay in order.
 */
export const AbuseCaseV1 = defineEvent({
  type: 'com.latchkey.abuse.case.v1',
  topic: Topics.AbuseCase,
  data: z.object({
    caseId: Identifier,
    transition: z.enum(CASE_TRANSITIONS),
    /** The status after the transition. */
    status: z.enum(CASE_STATUSES),
    isvId: IsvId,
    resourceId: AzureResourceId,
    severity: z.enum(ALERT_SEVERITIES),
    /** The alert that opened the case or joined it; null for other transitions. */
    alertId: AlertId.nullable(),
    actor: z.object({ kind: z.enum(CASE_ACTOR_KINDS), id: Identifier }),
    /** Why, in plain words (the ISV's or operator's note, the escalation's cause); never a token or key. */
    reason: z.string().max(2000),
    /** When an open case escalates; null when no deadline runs. */
    deadlineAt: IsoDateTime.nullable(),
    at: IsoDateTime,
  }),
  key: (data) => data.isvId,
  subject: (data) => data.caseId,
});
