import { Inject, Injectable, Logger } from '@nestjs/common';
import { canonicalResourceId, revocationSubjectKey } from '@latchkey/contracts';
import { AlertRepository } from '@latchkey/abuse-detector/data-access';
import { Database } from '@latchkey/persistence';
import { RevocationWriter } from '../actions/revocation-writer';
import { RevocationsIssued } from '../actions/revocations-issued';
import { AbuseAdminError } from '../admin/abuse-admin.errors';
import type { ReinstatableSubject } from '../admin/reinstate-subject.use-case';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';

/** The revocation as published. */
export interface ManualRevocation {
  readonly subject: ReinstatableSubject;
  readonly action: 'revoke';
  readonly notBefore: string;
  readonly reason: string;
  readonly alertId: string | null;
  readonly actor: string;
}

/**
 * An operator revokes an ISV or one of its clients: through RevocationWriter,
 * like the rules (ledger row and `access.revocation` in one transaction),
 * with the operator as actor and, when the operator acted on an alert, its
 * id. The same alert revokes a subject once: a second request is refused
 * rather than silently ignored. Counted in `latchkey.revocations.issued`
 * (origin operator) once written.
 */
@Injectable()
export class RevokeSubjectUseCase {
  private readonly logger = new Logger(RevokeSubjectUseCase.name);
  private readonly issued = new RevocationsIssued();

  constructor(
    private readonly db: Database,
    private readonly alerts: AlertRepository,
    private readonly writer: RevocationWriter,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
  ) {}

  async revoke(requested: ReinstatableSubject, reason: string, alertId: string | undefined, operator: string): Promise<ManualRevocation> {
    const subject: ReinstatableSubject =
      requested.kind === 'isv' ? requested : { ...requested, resourceId: canonicalResourceId(requested.resourceId) };
    if (alertId !== undefined && !(await this.alerts.get(alertId))) {
      throw new AbuseAdminError('ABUSE.ADMIN_ALERT_NOT_FOUND', 'There is no alert with this id.');
    }
    const actor = operator.slice(0, 256);
    const at = this.now();
    const written = await this.db.transaction((tx) => this.writer.revoke(tx, { subject, reason, actor, alertId: alertId ?? null }, at));
    if (!written) throw new AbuseAdminError('ABUSE.ADMIN_ALREADY_REVOKED', 'This alert already revoked this subject.');
    this.issued.count(subject, 'revoke', 'operator');
    this.logger.log({ msg: 'manual revocation written', subject: revocationSubjectKey(subject), reason, alertId: alertId ?? null });
    return { subject, action: 'revoke', notBefore: at.toISOString(), reason, alertId: alertId ?? null, actor };
  }
}
