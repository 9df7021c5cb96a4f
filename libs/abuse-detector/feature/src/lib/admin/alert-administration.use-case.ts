import { Inject, Injectable } from '@nestjs/common';
import { AlertRepository, type Alert, type AlertFilter, type AlertStatus } from '@latchkey/abuse-detector/data-access';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { AbuseAdminError } from './abuse-admin.errors';

/** An alert as the admin API shows it. */
export interface AlertView {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly status: AlertStatus;
  readonly subject: { readonly kind: string; readonly id: string };
  readonly isvId: string | null;
  readonly resourceId: string | null;
  readonly count: number;
  readonly evidenceEventIds: readonly string[];
  readonly explanation: string;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly acknowledged: { readonly by: string; readonly at: string; readonly reason: string } | null;
}

export function alertView(alert: Alert): AlertView {
  return {
    id: alert.id,
    ruleId: alert.ruleId,
    severity: alert.severity,
    status: alert.status,
    subject: { kind: alert.subjectKind, id: alert.subjectId },
    isvId: alert.isvId,
    resourceId: alert.resourceId,
    count: alert.count,
    evidenceEventIds: alert.evidenceEventIds,
    explanation: alert.explanation,
    firstSeenAt: alert.firstSeenAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
    acknowledged:
      alert.acknowledgedAt === null
        ? null
        : { by: alert.acknowledgedBy ?? '', at: alert.acknowledgedAt.toISOString(), reason: alert.acknowledgedReason ?? '' },
  };
}

/** The operator's side of alerts: list them, acknowledge an open one with a reason. */
@Injectable()
export class AlertAdministration {
  constructor(
    private readonly alerts: AlertRepository,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
  ) {}

  async list(filter: AlertFilter): Promise<AlertView[]> {
    return (await this.alerts.list(filter)).map(alertView);
  }

  /** One alert, with all its evidence event ids. */
  async get(id: string): Promise<AlertView> {
    const alert = await this.alerts.get(id);
    if (!alert) throw new AbuseAdminError('ABUSE.ADMIN_ALERT_NOT_FOUND', 'There is no alert with this id.');
    return alertView(alert);
  }

  /**
   * Acknowledged: someone looks at it. The alert stops growing; the next
   * finding of its rule and subject opens a new alert. Revocations already
   * made stay (an operator lifts them with a reinstatement).
   */
  async acknowledge(id: string, reason: string, operator: string): Promise<AlertView> {
    const outcome = await this.alerts.acknowledge(id, operator.slice(0, 256), reason, this.now());
    switch (outcome.kind) {
      case 'acknowledged':
        return alertView(outcome.alert);
      case 'not-found':
        throw new AbuseAdminError('ABUSE.ADMIN_ALERT_NOT_FOUND', 'There is no alert with this id.');
      case 'not-open':
        throw new AbuseAdminError('ABUSE.ADMIN_ALERT_NOT_OPEN', `The alert is ${outcome.alert.status}; only an open alert can be acknowledged.`);
    }
  }
}
