import { Injectable } from '@nestjs/common';
import { AccessRevocationV1, revocationSubjectKey } from '@latchkey/contracts';
import { RevocationLedgerRepository } from '@latchkey/abuse-detector/data-access';
import { OutboxWriter } from '@latchkey/messaging';
import type { SqlExecutor } from '@latchkey/persistence';
import type { PlannedRevocation } from './action-policy';

/** A revocation to write: the policy's, or one an operator or an ISV asked for (then maybe without an alert). */
export type RevocationToWrite = Omit<PlannedRevocation, 'alertId'> & { readonly alertId: string | null };

/**
 * Writes one revocation inside the caller's transaction: the ledger row,
 * then its `access.revocation` event in the outbox, so the two never
 * disagree. Every revocation the detector makes goes through here (rules,
 * cases, operators).
 */
@Injectable()
export class RevocationWriter {
  constructor(
    private readonly ledger: RevocationLedgerRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** False when this alert already revoked the subject (nothing written); revocations without an alert always write. */
  async revoke(tx: SqlExecutor, revocation: RevocationToWrite, now: Date): Promise<boolean> {
    const entry = this.outbox.prepare(AccessRevocationV1, {
      subject: revocation.subject,
      notBefore: now.toISOString(),
      action: 'revoke',
      reason: revocation.reason,
      alertId: revocation.alertId,
      actor: revocation.actor,
    });
    const recorded = await this.ledger.record(tx, {
      subjectKey: revocationSubjectKey(revocation.subject),
      subjectKind: revocation.subject.kind,
      isvId: revocation.subject.isvId,
      resourceId: revocation.subject.kind === 'isv-client' ? revocation.subject.resourceId : null,
      action: 'revoke',
      reason: revocation.reason,
      actor: revocation.actor,
      alertId: revocation.alertId,
      notBefore: now,
      eventId: entry.eventId,
      createdAt: now,
    });
    if (recorded) await this.outbox.insert(tx, [entry]);
    return recorded;
  }
}
