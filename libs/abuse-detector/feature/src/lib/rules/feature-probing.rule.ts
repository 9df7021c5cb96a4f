import { canonicalResourceId, LatRejectedV1, type EventEnvelope } from '@latchkey/contracts';
import { BurstRule, type BurstSighting } from './burst-rule';
import type { RuleContext } from './rule';
import { dataOf } from './rule-support';

/**
 * A client resource whose tokens keep being refused for features they do
 * not carry (`LAT.FEATURE_MISSING`): someone is probing for what the ISV
 * was not granted. Counted per presenting resource (the key the caller
 * holds); the ISV is named only from our issuance record of the token.
 */
export class FeatureProbingRule extends BurstRule {
  static readonly ID = 'feature-probing';
  readonly id = FeatureProbingRule.ID;
  readonly types = [LatRejectedV1.type];
  protected readonly severity = 'medium';

  protected sighting(event: EventEnvelope, context: RuleContext): BurstSighting | undefined {
    const data = dataOf(LatRejectedV1, event);
    if (data?.reason !== 'LAT.FEATURE_MISSING' || data.resourceId === null) return undefined;
    const resourceId = canonicalResourceId(data.resourceId);
    const issued = data.jti === null ? undefined : context.issuedToken(data.jti);
    return {
      key: resourceId,
      subject: { kind: 'resource', id: resourceId },
      isvId: issued?.isvId ?? null,
      resourceId,
      explain: (count, window) =>
        `Resource ${resourceId} had ${count} refusals for features its tokens lack within ${window} (threshold ${this.config.threshold}); ` +
        `the latest asked for ${data.feature ?? '(no feature)'} on ${data.operation}.`,
    };
  }
}
