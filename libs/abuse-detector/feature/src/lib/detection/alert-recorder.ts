import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AbuseAlertV1, type EventInput } from '@latchkey/contracts';
import { AlertRepository, type Alert } from '@latchkey/abuse-detector/data-access';
import { Inbox, OutboxWriter } from '@latchkey/messaging';
import { Database } from '@latchkey/persistence';
import { annotateActiveSpan, catalogueCounter } from '@latchkey/telemetry';
import { RevocationsIssued } from '../actions/revocations-issued';
import { CaseWorkflow, type CaseOpener } from '../cases/case-workflow';
import type { Finding } from '../rules/rule';
import { AlertActions } from './alert-actions';
import { ABUSE_CLOCK, type Clock } from './detection-rules';

/** The inbox consumer name under which findings are claimed. */
const FINDINGS = 'abuse-detector.findings';

/** The `abuse.alert` event of an alert as it now stands. */
export function alertEvent(alert: Alert): EventInput<typeof AbuseAlertV1> {
  return {
    alertId: alert.id,
    ruleId: alert.ruleId,
    severity: alert.severity,
    subject: { kind: alert.subjectKind as EventInput<typeof AbuseAlertV1>['subject']['kind'], id: alert.subjectId },
    isvId: alert.isvId,
    resourceId: alert.resourceId,
    count: alert.count,
    evidenceEventIds: [...alert.evidenceEventIds],
    explanation: alert.explanation,
    firstSeenAt: alert.firstSeenAt.toISOString(),
    lastSeenAt: alert.lastSeenAt.toISOString(),
  };
}

/**
 * Turns a finding into an alert and its consequences, all in one
 * transaction: the alert opened or grown, its `abuse.alert` event, the
 * revocations the policy asks for, in the outbox, and the client's case. A finding is claimed in
 * the inbox under the event that made the rule fire, its rule and subject,
 * so a redelivered batch that makes the same rule fire again on the same
 * event counts nothing twice. Once committed, the finding is counted in
 * `latchkey.abuse.alerts` {rule, severity} and its revocations in
 * `latchkey.revocations.issued` (origin automatic).
 */
@Injectable()
export class AlertRecorder {
  private readonly logger = new Logger(AlertRecorder.name);
  private readonly inbox = new Inbox('abuse_detector', FINDINGS);
  private readonly findings = catalogueCounter('abuseAlerts');
  private readonly issued = new RevocationsIssued();

  constructor(
    private readonly db: Database,
    private readonly alerts: AlertRepository,
    private readonly actions: AlertActions,
    private readonly outbox: OutboxWriter,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
    @Inject(CaseWorkflow) private readonly cases: CaseOpener,
  ) {}

  /** Records `finding`, made when the rules considered event `eventId`; returns the alert, or undefined when already recorded. */
  async record(eventId: string, finding: Finding): Promise<Alert | undefined> {
    const claim = `${eventId}|${finding.ruleId}|${finding.subject.kind}|${finding.subject.id}`;
    const result = await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, claim))) return undefined;
      const { alert, opened } = await this.alerts.observe(tx, randomUUID(), {
        ruleId: finding.ruleId,
        severity: finding.severity,
        subjectKind: finding.subject.kind,
        subjectId: finding.subject.id,
        isvId: finding.isvId,
        resourceId: finding.resourceId,
        evidenceEventIds: finding.evidenceEventIds,
        explanation: finding.explanation,
        observedAt: finding.observedAt,
      });
      await this.outbox.write(tx, AbuseAlertV1, alertEvent(alert));
      const { revocations } = await this.actions.apply(tx, alert, this.now());
      // The ISV hears of it: the alert opens its client's case or joins the active one.
      await this.cases.onAlert(tx, alert);
      return { alert, opened, revocations };
    });
    if (result === undefined) return undefined;
    // The finding's own severity: the alert's may be higher (it keeps the highest it has seen).
    this.findings.add(1, { rule: finding.ruleId, severity: finding.severity });
    // On the consumer's span, which continues (or links to) the trace of the event that tripped the rule.
    annotateActiveSpan({
      'latchkey.rule_id': finding.ruleId,
      'latchkey.isv_id': finding.isvId ?? undefined,
      'latchkey.resource_id': finding.resourceId ?? undefined,
      'latchkey.outcome': result.opened ? 'alert-opened' : 'alert-grew',
    });
    for (const revocation of result.revocations) this.issued.count(revocation.subject, 'revoke', 'automatic');
    // Ids, rule, severity and counts only: the explanation stays in the alert.
    this.logger.log({
      msg: result.opened ? 'alert opened' : 'alert grew',
      alertId: result.alert.id,
      ruleId: result.alert.ruleId,
      severity: result.alert.severity,
      count: result.alert.count,
      eventId,
      revoked: result.revocations.map((r) => r.subject.kind),
    });
    return result.alert;
  }
}
