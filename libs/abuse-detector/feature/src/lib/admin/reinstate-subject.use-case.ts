import { Inject, Injectable, Logger } from '@nestjs/common';
import { RevocationCache } from '@latchkey/access-guards';
import { AccessRevocationV1, canonicalResourceId, revocationSubjectKey } from '@latchkey/contracts';
import { RevocationLedgerRepository } from '@latchkey/abuse-detector/data-access';
import { OutboxWriter } from '@latchkey/messaging';
import { Database } from '@latchkey/persistence';
import { RevocationsIssued } from '../actions/revocations-issued';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { AbuseAdminError } from './abuse-admin.errors';

/** What an operator reinstates. */
export type ReinstatableSubject =
  | { readonly kind: 'isv'; readonly isvId: string }
  | { readonly kind: 'isv-client'; readonly isvId: string; readonly resourceId: string };

/** The reinstatement as published. */
export interface Reinstatement {
  readonly subject: ReinstatableSubject;
  readonly action: 'reinstate';
  readonly notBefore: string;
  readonly reason: string;
}

/**
 * Lifts a revocation of an ISV or one of its clients: an `access.revocation`
 * record with action `reinstate` and the operator as actor, through the
 * outbox. It carries the watermark of the revocation it lifts as its
 * `notBefore`, so tokens issued before the revocation stay refused; it
 * refuses a subject that is not revoked, since a reinstatement with a
 * fresh watermark would instead refuse every token issued until now. The
 * watermark comes from this instance's view of the compacted topic, or from
 * the detector's own ledger when its latest revocation has not come back
 * from the topic yet. Counted in `latchkey.revocations.issued` (action
 * reinstate, origin operator) once written.
 */
@Injectable()
export class ReinstateSubjectUseCase {
  private readonly logger = new Logger(ReinstateSubjectUseCase.name);
  private readonly issued = new RevocationsIssued();

  constructor(
    private readonly db: Database,
    private readonly ledger: RevocationLedgerRepository,
    private readonly revocations: RevocationCache,
    private readonly outbox: OutboxWriter,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
  ) {}

  async reinstate(requested: ReinstatableSubject, reason: string, operator: string): Promise<Reinstatement> {
    const subject: ReinstatableSubject =
      requested.kind === 'isv' ? requested : { ...requested, resourceId: canonicalResourceId(requested.resourceId) };
    const key = revocationSubjectKey(subject);
    const watermark = await this.watermarkOf(subject, key);
    const actor = operator.slice(0, 256);
    const notBefore = watermark.toISOString();
    const eventId = await this.db.transaction(async (tx) => {
      const entry = this.outbox.prepare(AccessRevocationV1, { subject, notBefore, action: 'reinstate', reason, alertId: null, actor });
      await this.ledger.record(tx, {
        subjectKey: key,
        subjectKind: subject.kind,
        isvId: subject.isvId,
        resourceId: subject.kind === 'isv-client' ? subject.resourceId : null,
        action: 'reinstate',
        reason,
        actor,
        alertId: null,
        notBefore: watermark,
        eventId: entry.eventId,
        createdAt: this.now(),
      });
      await this.outbox.insert(tx, [entry]);
      return entry.eventId;
    });
    this.issued.count(subject, 'reinstate', 'operator');
    this.logger.log({ msg: 'reinstatement written', subject: key, reason, eventId });
    return { subject, action: 'reinstate', notBefore, reason };
  }

  private async watermarkOf(subject: ReinstatableSubject, key: string): Promise<Date> {
    const known = this.revocations.get(subject);
    const ours = await this.ledger.latestRevocation(key);
    if (known?.revoked) return ours !== undefined && ours > known.notBefore ? ours : known.notBefore;
    // Our revocation is newer than what the topic has shown this instance so far.
    if (ours !== undefined && (known === undefined || ours > known.notBefore)) return ours;
    throw new AbuseAdminError('ABUSE.ADMIN_NOT_REVOKED', 'The subject is not revoked; there is nothing to reinstate.');
  }
}
