import { RbacDeniedV1, type EventEnvelope } from '@latchkey/contracts';
import { BurstRule, type BurstSighting } from './burst-rule';
import { dataOf } from './rule-support';

/**
 * A burst of RBAC refusals for one person: someone walking the API for
 * what they may not do. Applications' refusals are the exchange rule's
 * concern (they show up as scopes refused at exchange).
 */
export class RbacDenialsRule extends BurstRule {
  static readonly ID = 'rbac-denials';
  readonly id = RbacDenialsRule.ID;
  readonly types = [RbacDeniedV1.type];
  protected readonly severity = 'medium';

  protected sighting(event: EventEnvelope): BurstSighting | undefined {
    const data = dataOf(RbacDeniedV1, event);
    if (data?.subjectKind !== 'person') return undefined;
    return {
      key: data.subject,
      subject: { kind: 'person', id: data.subject },
      isvId: null,
      resourceId: null,
      explain: (count, window) =>
        `Person ${data.subject} was refused ${count} times by RBAC within ${window} (threshold ${this.config.threshold}); ` +
        `the latest lacked ${data.permission} on ${data.endpoint}.`,
    };
  }
}
