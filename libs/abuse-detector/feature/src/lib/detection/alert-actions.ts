import { Injectable } from '@nestjs/common';
import { RevocationLedgerRepository } from '@latchkey/abuse-detector/data-access';
import type { SqlExecutor } from '@latchkey/persistence';
import { ActionPolicy, type AlertForPolicy, type PlannedRevocation } from '../actions/action-policy';
import { RevocationWriter } from '../actions/revocation-writer';

/** What applying the policy to an alert did. */
export interface AppliedActions {
  /** The `access.revocation` records written, in order (empty: notify only, or the alert already acted). */
  readonly revocations: readonly PlannedRevocation[];
}

/**
 * Carries out the action policy inside the caller's transaction (the one
 * storing the alert): each revocation is recorded in the ledger and written
 * to the outbox together, once per alert and subject, so a growing alert
 * never revokes its client twice and a redelivery never revokes again.
 * The ISV is locked while its client revocations are counted, so two alerts
 * at once cannot both escalate.
 */
@Injectable()
export class AlertActions {
  constructor(
    private readonly policy: ActionPolicy,
    private readonly ledger: RevocationLedgerRepository,
    private readonly writer: RevocationWriter,
  ) {}

  async apply(tx: SqlExecutor, alert: AlertForPolicy, now: Date): Promise<AppliedActions> {
    const client = this.policy.clientRevocation(alert);
    if (client === undefined) return { revocations: [] };
    await this.ledger.lockIsv(tx, client.subject.isvId);
    if (!(await this.writer.revoke(tx, client, now))) return { revocations: [] };
    const count = await this.ledger.clientRevocationsSince(tx, client.subject.isvId, this.policy.escalationWindowStart(now));
    const isv = this.policy.isvRevocation(alert, count);
    if (isv === undefined || !(await this.writer.revoke(tx, isv, now))) return { revocations: [client] };
    return { revocations: [client, isv] };
  }
}
