import { canonicalResourceId, LatRejectedV1, LatUsedV1, type EventEnvelope, type LatRejectionReason } from '@latchkey/contracts';
import type { Finding, Rule, RuleContext } from './rule';
import { dataOf, describeWindow, eventTimeMs, findingAt } from './rule-support';
import type { RulesConfig } from './rules.config';
import { DistinctWindowCounter } from './window/distinct-window-counter';
import { KeyedWindows } from './window/keyed-windows';

/**
 * Refusals decided after the token's signature verified, so their `jti` is
 * one we issued. A refusal before that (bad signature, unknown key,
 * malformed) carries whatever `jti` the caller wrote: counting it would let
 * anyone who learnt a victim's `jti` spray it from many addresses and get
 * the victim's client flagged.
 */
const VERIFIED_REFUSALS: ReadonlySet<string> = new Set<LatRejectionReason>([
  'LAT.EXPIRED',
  'LAT.NOT_YET_VALID',
  'LAT.WRONG_RESOURCE',
  'LAT.FEATURE_MISSING',
  'LAT.REVOKED',
  'LAT.REPLAYED',
]);

/** At most this many addresses or agents are kept per token: far above any threshold, bounded whatever the spray. */
const MAX_VALUES = 100;

class Spread {
  constructor(
    readonly ips: DistinctWindowCounter,
    readonly agents: DistinctWindowCounter,
  ) {}

  isIdle(now: number): boolean {
    return this.ips.isIdle(now) && this.agents.isIdle(now);
  }
}

/**
 * One token (`jti`) presented from many client addresses or user agents
 * within a window: it was shared or leaked. A legitimate client holds its
 * token in one place. Re-armed on firing, like the burst rules: the next
 * finding needs as many distinct sightings again.
 */
export class JtiSpreadRule implements Rule {
  static readonly ID = 'jti-spread';
  readonly id = JtiSpreadRule.ID;
  readonly types = [LatUsedV1.type, LatRejectedV1.type];
  private readonly spreads: KeyedWindows<Spread>;

  constructor(
    private readonly config: RulesConfig['jtiSpread'],
    maxKeys: number,
  ) {
    this.spreads = new KeyedWindows({ maxKeys, sweepEveryMs: config.windowMs, slackMs: config.windowMs });
  }

  /** Event history a restart must replay to rebuild this rule's windows (see docs/ABUSE.md). */
  get replayHorizonMs(): number {
    return this.config.windowMs;
  }

  consider(event: EventEnvelope, context: RuleContext): readonly Finding[] {
    const sighting = this.sightingOf(event);
    if (sighting === undefined) {
      return [];
    }
    const time = eventTimeMs(event);
    const spread = this.spreads.get(sighting.jti, time, () => {
      const { windowMs } = this.config;
      return new Spread(new DistinctWindowCounter(windowMs, MAX_VALUES), new DistinctWindowCounter(windowMs, MAX_VALUES));
    });
    spread.ips.add(time, sighting.clientIp, event.id);
    if (sighting.userAgent !== null) {
      spread.agents.add(time, sighting.userAgent, event.id);
    }
    const ips = spread.ips.count;
    const agents = spread.agents.count;
    const ipsCrossed = ips >= this.config.distinctIps;
    const agentsCrossed = agents >= this.config.distinctUserAgents;
    if (!ipsCrossed && !agentsCrossed) {
      return [];
    }
    const evidence = [...new Set([...spread.ips.ids(), ...spread.agents.ids()])];
    spread.ips.clear();
    spread.agents.clear();
    // The ISV and client come from our issuance record only, never from the event's claims.
    const issued = context.issuedToken(sighting.jti);
    const resourceId = issued === undefined ? null : canonicalResourceId(issued.resourceId);
    return [
      findingAt(event, {
        ruleId: this.id,
        severity: 'high',
        subject: { kind: 'jti', id: sighting.jti },
        isvId: issued?.isvId ?? null,
        resourceId,
        evidenceEventIds: evidence,
        explanation:
          `Token ${sighting.jti}${resourceId === null ? '' : ` (resource ${resourceId})`} was presented from ` +
          `${ips} distinct client IPs (threshold ${this.config.distinctIps}) and ${agents} distinct user agents ` +
          `(threshold ${this.config.distinctUserAgents}) within ${describeWindow(this.config.windowMs)}: shared or leaked.`,
      }),
    ];
  }

  private sightingOf(event: EventEnvelope): { jti: string; clientIp: string; userAgent: string | null } | undefined {
    const used = dataOf(LatUsedV1, event);
    if (used !== undefined) {
      return used;
    }
    const refused = dataOf(LatRejectedV1, event);
    if (refused !== undefined && refused.jti !== null && VERIFIED_REFUSALS.has(refused.reason)) {
      return { jti: refused.jti, clientIp: refused.clientIp, userAgent: refused.userAgent };
    }
    return undefined;
  }
}
