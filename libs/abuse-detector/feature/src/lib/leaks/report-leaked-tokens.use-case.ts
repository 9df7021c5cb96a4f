import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AbuseAlertV1, AccessRevocationV1 } from '@latchkey/contracts';
import { AlertRepository } from '@latchkey/abuse-detector/data-access';
import { Inbox, OutboxWriter } from '@latchkey/messaging';
import { Database } from '@latchkey/persistence';
import { catalogueCounter } from '@latchkey/telemetry';
import { RevocationsIssued } from '../actions/revocations-issued';
import { CaseWorkflow, type CaseOpener } from '../cases/case-workflow';
import { alertEvent } from '../detection/alert-recorder';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { LEAKED_TOKEN_IDENTIFIER } from './leak-intake.tokens';
import { describeUrl } from './leak-url';
import type { LeakReport, ReportedToken } from './leak-report.schema';
import type { LeakedToken, LeakedTokenIdentifier } from './leaked-token-verifier';

/** The alert rule under which leaked tokens are recorded. */
export const LEAKED_TOKEN_RULE = 'leaked-token';
/** The reason of a leaked token's revocation. */
export const LEAKED_TOKEN_REASON = 'ABUSE.TOKEN_LEAKED';
/** The inbox consumer under which a `jti`'s revocation is claimed once. */
const LEAK_REVOCATIONS = 'abuse-detector.leaked-tokens';

/** One line of the partner format's feedback: the token by its SHA-256 (hex), never raw. */
export interface LeakFeedback {
  readonly token_hash: string;
  readonly token_type: string;
  readonly label: 'true_positive' | 'false_positive';
}

/** What was done about one of our tokens. */
type Outcome = 'revoked' | 'already-revoked' | 'expired';

/** The SHA-256 of a token, lower-case hex: the only form in which a reported token is ever kept or returned. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `source` as an actor suffix: a short lower-case word, else `unknown` (it is the reporter's free text). */
export function reporterSource(source: string | undefined): string {
  return source !== undefined && /^[A-Za-z0-9_.-]{1,64}$/.test(source) ? source.toLowerCase() : 'unknown';
}

function explanation(token: LeakedToken, reported: ReportedToken, outcome: Outcome, now: Date): string {
  const what = `Limited access token ${token.jti} of ISV ${token.isvId} for resource ${token.resourceId} was reported leaked`;
  const where = `by secret scanning (source ${reporterSource(reported.source)}) at ${describeUrl(reported.url, reported.token)}`;
  const done = {
    revoked: `its jti was revoked at ${now.toISOString()}`,
    'already-revoked': 'its jti had already been revoked on an earlier report',
    expired: `it had expired at ${token.expiresAt.toISOString()}, so nothing was revoked`,
  }[outcome];
  return `${what} ${where}; ${done}.`;
}

/**
 * Handles a verified leaked-token report. Each distinct reported string is
 * checked against the issuer's keys; one of our tokens is recorded in one
 * transaction: the `leaked-token` alert on the token's client resource and
 * ISV opened or grown (severity high; the alert store keys it by the ISV
 * too, since a resource can be a client of several ISVs and another ISV's
 * leak must never grow this one's alert) with its `abuse.alert`, and, unless the
 * token has expired, an `access.revocation` of its `jti`, claimed once per
 * `jti` in the inbox so a repeated report never revokes twice, and the
 * client's case opened or joined. Anything
 * else is answered false positive and leaves no trace. The token itself is
 * never logged, stored or returned: the feedback names it by SHA-256.
 * Committed, the alert counts in `latchkey.abuse.alerts` and the
 * revocation in `latchkey.revocations.issued` (kind jti, origin automatic).
 */
@Injectable()
export class ReportLeakedTokensUseCase {
  private readonly logger = new Logger(ReportLeakedTokensUseCase.name);
  private readonly inbox = new Inbox('abuse_detector', LEAK_REVOCATIONS);
  private readonly findings = catalogueCounter('abuseAlerts');
  private readonly issued = new RevocationsIssued();

  constructor(
    private readonly db: Database,
    private readonly alerts: AlertRepository,
    private readonly outbox: OutboxWriter,
    @Inject(LEAKED_TOKEN_IDENTIFIER) private readonly tokens: LeakedTokenIdentifier,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
    @Inject(CaseWorkflow) private readonly cases: CaseOpener,
  ) {}

  async execute(report: LeakReport, reporterKeyId: string): Promise<LeakFeedback[]> {
    const labels = new Map<string, LeakFeedback['label']>();
    const feedback: LeakFeedback[] = [];
    for (const reported of report) {
      const hash = tokenHash(reported.token);
      let label = labels.get(hash);
      if (label === undefined) {
        const ours = await this.tokens.identify(reported.token);
        if (ours !== undefined) await this.record(ours, reported, hash, reporterKeyId);
        label = ours === undefined ? 'false_positive' : 'true_positive';
        labels.set(hash, label);
      }
      feedback.push({ token_hash: hash, token_type: reported.type, label });
    }
    this.logger.log({
      msg: 'leak report handled',
      reporterKeyId,
      tokens: report.length,
      truePositives: feedback.filter((f) => f.label === 'true_positive').length,
    });
    return feedback;
  }

  private async record(token: LeakedToken, reported: ReportedToken, hash: string, reporterKeyId: string): Promise<void> {
    const now = this.now();
    const { alert, outcome } = await this.db.transaction(async (tx) => {
      const outcome: Outcome = token.expiresAt <= now ? 'expired' : (await this.inbox.claim(tx, `jti:${token.jti}`)) ? 'revoked' : 'already-revoked';
      const { alert } = await this.alerts.observe(tx, randomUUID(), {
        ruleId: LEAKED_TOKEN_RULE,
        severity: 'high',
        subjectKind: 'resource',
        subjectId: token.resourceId,
        isvId: token.isvId,
        resourceId: token.resourceId,
        evidenceEventIds: [],
        explanation: explanation(token, reported, outcome, now),
        observedAt: now,
      });
      await this.outbox.write(tx, AbuseAlertV1, alertEvent(alert));
      // The token's ISV hears of it through its client's case (the claims are the issuer's: the signature verified).
      await this.cases.onAlert(tx, alert);
      if (outcome === 'revoked') {
        await this.outbox.write(tx, AccessRevocationV1, {
          subject: { kind: 'jti', jti: token.jti },
          notBefore: now.toISOString(),
          action: 'revoke',
          reason: LEAKED_TOKEN_REASON,
          alertId: alert.id,
          actor: `leak-report:${reporterSource(reported.source)}`,
        });
      }
      return { alert, outcome };
    });
    this.findings.add(1, { rule: LEAKED_TOKEN_RULE, severity: 'high' });
    if (outcome === 'revoked') this.issued.count({ kind: 'jti' }, 'revoke', 'automatic');
    // Ids and the token's hash only: never the token, nor the URL (it is the reporter's text).
    this.logger.warn({
      msg: 'leaked token reported',
      jti: token.jti,
      tokenHash: hash,
      alertId: alert.id,
      count: alert.count,
      outcome,
      reporterKeyId,
    });
  }
}
