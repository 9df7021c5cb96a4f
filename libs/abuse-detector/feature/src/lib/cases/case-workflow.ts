import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { CaseRepository, RevocationLedgerRepository, type AbuseCase, type Alert } from '@latchkey/abuse-detector/data-access';
import { Database, type SqlExecutor } from '@latchkey/persistence';
import { abuseActionsConfig } from '../actions/abuse-actions.config';
import { RevocationWriter } from '../actions/revocation-writer';
import { RevocationsIssued } from '../actions/revocations-issued';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { abuseCasesConfig } from './abuse-cases.config';
import { CaseAnnouncer } from './case-announcer';
import * as transitions from './case-transitions';
import { CaseError } from './cases.errors';

/** Why a client blocked by its ISV is revoked, on `access.revocation`. */
export const BLOCKED_BY_ISV_REASON = 'ABUSE.CLIENT_BLOCKED_BY_ISV';
/** Why an ISV is revoked when one of its cases passed its deadline unanswered. */
export const CASE_UNANSWERED_REASON = 'ABUSE.CASE_UNANSWERED';

/** What the alert recorder and the leak intake need of the workflow (tests pass a stand-in). */
export interface CaseOpener {
  onAlert(tx: SqlExecutor, alert: Alert): Promise<unknown>;
}

/** At most this many overdue cases escalate per sweep (the next sweep takes the rest). */
const SWEEP_BATCH = 100;

/**
 * The case workflow (docs/ABUSE.md "Cases"): an alert about an ISV's
 * client opens that client's case, or joins the active one; the ISV
 * acknowledges it or blocks its client; an operator may close it; an open
 * case past its deadline escalates, revoking the ISV when the policy says
 * so. Each transition is decided by case-transitions.ts and stored,
 * published (`abuse.case`) and, for the ISV, queued as a webhook in one
 * transaction, under the ISV's lock (the one the alert actions take), so a
 * case and the revocations about the same ISV never race. Its revocations
 * count in `latchkey.revocations.issued` once committed: a block with
 * origin isv, an escalation's with origin automatic.
 */
@Injectable()
export class CaseWorkflow implements CaseOpener {
  private readonly logger = new Logger(CaseWorkflow.name);
  private readonly issued = new RevocationsIssued();

  constructor(
    private readonly db: Database,
    private readonly cases: CaseRepository,
    private readonly ledger: RevocationLedgerRepository,
    private readonly revocations: RevocationWriter,
    private readonly announcer: CaseAnnouncer,
    @InjectConfig(abuseCasesConfig) private readonly config: ConfigOf<typeof abuseCasesConfig>,
    @InjectConfig(abuseActionsConfig) private readonly actions: ConfigOf<typeof abuseActionsConfig>,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
  ) {}

  /**
   * Inside the transaction that stored `alert`: opens its client's case or
   * adds the alert to the active one. Returns the case, or undefined when
   * the alert names no ISV client or the case already holds it.
   */
  async onAlert(tx: SqlExecutor, alert: Alert): Promise<AbuseCase | undefined> {
    if (!transitions.isCaseAlert(alert)) return undefined;
    const now = this.now();
    await this.ledger.lockIsv(tx, alert.isvId);
    const active = await this.cases.activeForUpdate(tx, alert.isvId, alert.resourceId.toLowerCase());
    const moved =
      active === undefined
        ? transitions.openCase(randomUUID(), alert, now, this.config.LATCHKEY_ABUSE_CASE_DEADLINE_MS)
        : transitions.addAlert(active, alert, now, this.config.LATCHKEY_ABUSE_CASE_DEADLINE_MS);
    if (moved === undefined) return undefined;
    await this.cases.save(tx, moved.next);
    await this.announcer.announce(tx, moved, alert);
    return moved.next;
  }

  /** The ISV `isvId` acknowledges its case. */
  acknowledge(isvId: string, caseId: string, note: string): Promise<AbuseCase> {
    return this.answer(isvId, caseId, async (current, now) => transitions.acknowledge(current, isvId, note, now));
  }

  /** The ISV `isvId` blocks the client of its case: the client is revoked, and the case ends. */
  async blockClient(isvId: string, caseId: string, note: string): Promise<AbuseCase> {
    let revoked = false;
    const blocked = await this.answer(isvId, caseId, async (current, now, tx) => {
      const moved = transitions.blockClient(current, isvId, note, now);
      // No alert id: a block is the ISV's own act, and must take effect even where a rule already revoked the client for an alert.
      revoked = await this.revocations.revoke(
        tx,
        {
          subject: { kind: 'isv-client', isvId, resourceId: current.resourceId },
          reason: BLOCKED_BY_ISV_REASON,
          actor: `isv:${isvId}`,
          alertId: null,
        },
        now,
      );
      return moved;
    });
    if (revoked) this.issued.count({ kind: 'isv-client' }, 'revoke', 'isv');
    return blocked;
  }

  /** An operator closes a case (resolved, or a false positive). */
  async close(caseId: string, operator: string, reason: string): Promise<AbuseCase> {
    return this.db.transaction(async (tx) => {
      const current = await this.cases.get(caseId, tx);
      if (current === undefined) throw notFound();
      await this.ledger.lockIsv(tx, current.isvId);
      const locked = await this.cases.getForUpdate(tx, caseId);
      if (locked === undefined) throw notFound();
      const moved = this.guard(() => transitions.close(locked, operator, reason, this.now()));
      await this.cases.save(tx, moved.next);
      await this.announcer.announce(tx, moved);
      return moved.next;
    });
  }

  /** Escalates every open case past its deadline; returns how many escalated. */
  async escalateOverdue(): Promise<number> {
    let escalated = 0;
    for (const id of await this.cases.overdue(this.now(), SWEEP_BATCH)) {
      if (await this.escalateOne(id)) escalated++;
    }
    return escalated;
  }

  private async escalateOne(id: string): Promise<boolean> {
    const { escalated, revokedIsv } = await this.db.transaction(async (tx) => {
      const none = { escalated: false, revokedIsv: false };
      const unlocked = await this.cases.get(id, tx);
      if (unlocked === undefined) return none;
      await this.ledger.lockIsv(tx, unlocked.isvId);
      const current = await this.cases.getForUpdate(tx, id);
      const now = this.now();
      // Re-read under the lock: the ISV may have answered since the sweep listed the case.
      const revokes = this.actions.LATCHKEY_ABUSE_AUTOMATIC_REVOCATION && this.config.LATCHKEY_ABUSE_CASE_ESCALATION_REVOKES_ISV;
      const reason = revokes
        ? `The case was not answered by its deadline; the ISV's access is revoked (${CASE_UNANSWERED_REASON}).`
        : 'The case was not answered by its deadline.';
      const moved = current && transitions.escalate(current, reason, now);
      if (moved === undefined) return none;
      await this.cases.save(tx, moved.next);
      let revokedIsv = false;
      if (revokes) {
        revokedIsv = await this.revocations.revoke(
          tx,
          // The case's latest alert, so the revocation names what it is about; once per alert, like the rules' revocations.
          {
            subject: { kind: 'isv', isvId: moved.next.isvId },
            reason: CASE_UNANSWERED_REASON,
            actor: 'case-escalation',
            alertId: moved.next.alertIds.at(-1) ?? null,
          },
          now,
        );
      }
      await this.announcer.announce(tx, moved);
      this.logger.warn({ msg: 'case escalated', caseId: id, isvId: moved.next.isvId, revokedIsv: revokes });
      return { escalated: true, revokedIsv };
    });
    if (revokedIsv) this.issued.count({ kind: 'isv' }, 'revoke', 'automatic');
    return escalated;
  }

  private async answer(
    isvId: string,
    caseId: string,
    decide: (current: AbuseCase, now: Date, tx: SqlExecutor) => Promise<transitions.Moved>,
  ): Promise<AbuseCase> {
    const result = await this.db.transaction(async (tx) => {
      await this.ledger.lockIsv(tx, isvId);
      const current = await this.cases.getForUpdate(tx, caseId);
      // Another ISV's case is "not found": an ISV learns nothing about cases that are not its own.
      if (current === undefined || current.isvId !== isvId) throw notFound();
      if (transitions.FINAL_CASE_STATUSES.includes(current.status)) throw ended(current);
      const moved = await decide(current, this.now(), tx);
      await this.cases.save(tx, moved.next);
      await this.announcer.announce(tx, moved);
      return moved;
    });
    this.logger.log({ msg: `case ${result.entry.transition}`, caseId, isvId });
    return result.next;
  }

  private guard(step: () => transitions.Moved): transitions.Moved {
    try {
      return step();
    } catch (error) {
      if (error instanceof transitions.CaseEndedError) throw ended(error.current);
      throw error;
    }
  }
}

function notFound(): CaseError {
  return new CaseError('ABUSE.CASE_NOT_FOUND', 'No such case.');
}

function ended(current: AbuseCase): CaseError {
  return new CaseError('ABUSE.CASE_ENDED', `The case has ended (${current.status}); it takes no more answers.`, { caseId: current.id });
}
