import { canonicalResourceId, LatRejectedV1, type EventEnvelope } from '@latchkey/contracts';
import type { Finding, Rule, RuleContext } from './rule';
import { clientKey, dataOf, describeWindow, eventTimeMs, findingAt, ofIsv } from './rule-support';
import type { RulesConfig } from './rules.config';
import { BurstCounter } from './window/burst-counter';

/**
 * Tokens presented after they expired or were revoked. A few expired
 * presentations are ordinary (a client refreshing late), so per client
 * (presenting resource and the token's ISV, from our issuance record: one
 * resource can be a client of several ISVs, each counted and alerted
 * apart) it takes a burst and is `medium`; one revoked token presented
 * again and again means its holder ignores the revocation (or it was
 * stolen before it), so per `jti` it is `high`. Both reasons are decided
 * after the signature verified, so the `jti` is one we issued.
 */
export class StaleTokenUseRule implements Rule {
  static readonly ID = 'stale-token-use';
  readonly id = StaleTokenUseRule.ID;
  readonly types = [LatRejectedV1.type];
  private readonly perResource: BurstCounter;
  private readonly revokedPerJti: BurstCounter;

  constructor(
    private readonly config: RulesConfig['staleTokenUse'],
    maxKeys: number,
  ) {
    this.perResource = new BurstCounter({ ...config.perResource, maxKeys });
    this.revokedPerJti = new BurstCounter({ ...config.revokedPerJti, maxKeys });
  }

  /** Event history a restart must replay to rebuild this rule's windows (see docs/ABUSE.md). */
  get replayHorizonMs(): number {
    return Math.max(this.config.perResource.windowMs, this.config.revokedPerJti.windowMs);
  }

  consider(event: EventEnvelope, context: RuleContext): readonly Finding[] {
    const data = dataOf(LatRejectedV1, event);
    if (data === undefined || (data.reason !== 'LAT.EXPIRED' && data.reason !== 'LAT.REVOKED')) {
      return [];
    }
    const time = eventTimeMs(event);
    const issued = data.jti === null ? undefined : context.issuedToken(data.jti);
    const findings: Finding[] = [];
    if (data.resourceId !== null) {
      const resourceId = canonicalResourceId(data.resourceId);
      const isvId = issued?.isvId ?? null;
      const burst = this.perResource.observe(clientKey(isvId, resourceId), time, event.id);
      if (burst !== undefined) {
        const { windowMs, threshold } = this.config.perResource;
        findings.push(
          findingAt(event, {
            ruleId: this.id,
            severity: 'medium',
            subject: { kind: 'resource', id: resourceId },
            isvId,
            resourceId,
            evidenceEventIds: burst.evidenceEventIds,
            explanation:
              `Resource ${resourceId}${ofIsv(isvId)} presented ${burst.count} expired or revoked tokens within ` +
              `${describeWindow(windowMs)} (threshold ${threshold}).`,
          }),
        );
      }
    }
    if (data.reason === 'LAT.REVOKED' && data.jti !== null) {
      const burst = this.revokedPerJti.observe(data.jti, time, event.id);
      if (burst !== undefined) {
        const { windowMs, threshold } = this.config.revokedPerJti;
        const owner = issued === undefined ? null : canonicalResourceId(issued.resourceId);
        findings.push(
          findingAt(event, {
            ruleId: this.id,
            severity: 'high',
            subject: { kind: 'jti', id: data.jti },
            isvId: issued?.isvId ?? null,
            resourceId: owner,
            evidenceEventIds: burst.evidenceEventIds,
            explanation:
              `Revoked token ${data.jti}${owner === null ? '' : ` (resource ${owner})`} was presented ${burst.count} times within ` +
              `${describeWindow(windowMs)} (threshold ${threshold}), the latest from ${data.clientIp}.`,
          }),
        );
      }
    }
    return findings;
  }
}
