import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AbuseCaseV1 } from '@latchkey/contracts';
import { WebhookRepository, type AbuseCase, type Alert, type CaseTransition } from '@latchkey/abuse-detector/data-access';
import { OutboxWriter } from '@latchkey/messaging';
import type { SqlExecutor } from '@latchkey/persistence';
import type { Moved } from './case-transitions';

/** The transitions the ISV is told about by webhook (its own answers it knows already). */
const NOTIFIED: ReadonlySet<CaseTransition> = new Set(['opened', 'alert-added', 'escalated', 'closed']);

/** The evidence of one alert, as the ISV receives it. */
export interface AlertEvidence {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly count: number;
  readonly explanation: string;
  /** CloudEvents ids of the events behind it: the ISV finds them in its audit feed. */
  readonly evidenceEventIds: readonly string[];
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

/** The JSON body of a case webhook (Standard Webhooks: `type`, `timestamp`, `data`). */
export interface CaseWebhookBody {
  readonly type: `case.${CaseTransition}`;
  readonly timestamp: string;
  readonly data: {
    readonly caseId: string;
    readonly isvId: string;
    readonly resourceId: string;
    readonly status: AbuseCase['status'];
    readonly severity: AbuseCase['severity'];
    readonly reason: string;
    readonly deadlineAt: string | null;
    readonly summary: string;
    /** The alert this transition is about (opened, alert-added), with its evidence. */
    readonly alert: AlertEvidence | null;
    /** Where the ISV answers (relative to the abuse detector's base URL), with a cases token from the issuer. */
    readonly respond: { readonly acknowledge: string; readonly blockClient: string } | null;
  };
}

/**
 * Makes a case transition known, inside the transaction that stored it:
 * the `abuse.case` event through the outbox (audit keeps it), and, for the
 * transitions the ISV must hear about, a webhook delivery queued for the
 * ISV's webhook when it has one. No webhook: the event and the case are
 * still there (operators see the case; the ISV can list its cases).
 */
@Injectable()
export class CaseAnnouncer {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly webhooks: WebhookRepository,
  ) {}

  async announce(tx: SqlExecutor, moved: Moved, alert?: Alert): Promise<void> {
    const { next, entry } = moved;
    await this.outbox.write(tx, AbuseCaseV1, {
      caseId: next.id,
      transition: entry.transition,
      status: next.status,
      isvId: next.isvId,
      resourceId: next.resourceId,
      severity: next.severity,
      alertId: entry.alertId,
      actor: entry.actor,
      reason: entry.reason,
      deadlineAt: next.deadlineAt?.toISOString() ?? null,
      at: entry.at,
    });
    if (!NOTIFIED.has(entry.transition) || (await this.webhooks.of(next.isvId, tx)) === undefined) return;
    const body = webhookBody(moved, alert);
    await this.webhooks.enqueue(tx, {
      id: `msg_${randomUUID()}`,
      isvId: next.isvId,
      caseId: next.id,
      body: JSON.stringify(body),
      at: new Date(entry.at),
    });
  }
}

/** The webhook body announcing `moved`. */
export function webhookBody({ next, entry }: Moved, alert?: Alert): CaseWebhookBody {
  const answerable = next.status === 'open' || next.status === 'acknowledged';
  const base = `/isv/v1/isvs/${encodeURIComponent(next.isvId)}/cases/${encodeURIComponent(next.id)}`;
  return {
    type: `case.${entry.transition}`,
    timestamp: entry.at,
    data: {
      caseId: next.id,
      isvId: next.isvId,
      resourceId: next.resourceId,
      status: next.status,
      severity: next.severity,
      reason: entry.reason,
      deadlineAt: next.deadlineAt?.toISOString() ?? null,
      summary: next.summary,
      alert:
        alert === undefined
          ? null
          : {
              id: alert.id,
              ruleId: alert.ruleId,
              severity: alert.severity,
              count: alert.count,
              explanation: alert.explanation,
              evidenceEventIds: [...alert.evidenceEventIds],
              firstSeenAt: alert.firstSeenAt.toISOString(),
              lastSeenAt: alert.lastSeenAt.toISOString(),
            },
      respond: answerable ? { acknowledge: `${base}/acknowledge`, blockClient: `${base}/block-client` } : null,
    },
  };
}
