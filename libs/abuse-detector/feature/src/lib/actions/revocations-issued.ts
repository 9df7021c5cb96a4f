import type { Counter } from '@opentelemetry/api';
import type { RevocationSubject } from '@latchkey/contracts';
import { catalogueCounter } from '@latchkey/telemetry';

/**
 * Who decided a record on `access.revocation`: the detector on its own (a
 * rule's policy, a case's escalation, a leaked-token report), an operator
 * (console or admin API: revocations and reinstatements), or the ISV
 * blocking its own client from its case.
 */
export type RevocationOrigin = 'automatic' | 'operator' | 'isv';

/**
 * `latchkey.revocations.issued` {kind: the subject's kind, action: revoke |
 * reinstate, origin}. Counted by the writer's callers once their
 * transaction has committed (the record is then in the outbox, bound for
 * the topic): a rolled-back write counts nothing, and neither does a
 * revocation the ledger already held. Each class that writes keeps one
 * (a class field, created when Nest builds it).
 */
export class RevocationsIssued {
  private readonly issued: Counter = catalogueCounter('revocationsIssued');

  count(subject: Pick<RevocationSubject, 'kind'>, action: 'revoke' | 'reinstate', origin: RevocationOrigin): void {
    this.issued.add(1, { kind: subject.kind, action, origin });
  }
}
