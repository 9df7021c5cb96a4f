import { canonicalResourceId, LatRejectedV1, type EventEnvelope } from '@latchkey/contracts';
import { BurstRule, type BurstSighting } from './burst-rule';
import type { RuleContext } from './rule';
import { clientKey, dataOf, ofIsv } from './rule-support';

/**
 * An ISV's client whose tokens keep being refused for features they do not
 * carry (`LAT.FEATURE_MISSING`): someone is probing for what the ISV was not
 * granted. Counted per presenting resource and ISV (the key the caller
 * holds, and the ISV that issued the token, from our issuance record only):
 * one resource can be a client of several ISVs, and one ISV's refusals must
 * never be counted towards, or alerted as, another's. Refusals of tokens
 * whose issuance the detector has not seen count apart, under no ISV.
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
    const isvId = data.jti === null ? null : (context.issuedToken(data.jti)?.isvId ?? null);
    return {
      key: clientKey(isvId, resourceId),
      subject: { kind: 'resource', id: resourceId },
      isvId,
      resourceId,
      explain: (count, window) =>
        `Resource ${resourceId}${ofIsv(isvId)} had ${count} refusals for features its tokens lack within ${window} (threshold ${this.config.threshold}); ` +
        `the latest asked for ${data.feature ?? '(no feature)'} on ${data.operation}.`,
    };
  }
}
