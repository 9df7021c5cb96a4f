import { LRUCache } from 'lru-cache';
import { canonicalResourceId, LatIssuedV1, type EventEnvelope } from '@latchkey/contracts';
import type { Finding, Rule } from './rule';
import { dataOf, describeWindow, eventTimeMs, findingAt } from './rule-support';
import { describeRate, isFarAboveBaseline } from './rate-check';
import type { RulesConfig } from './rules.config';
import { DistinctWindowCounter } from './window/distinct-window-counter';
import { KeyedWindows } from './window/keyed-windows';
import { RateBaseline } from './window/rate-baseline';

class IsvState {
  constructor(
    readonly rate: RateBaseline,
    readonly newResources: DistinctWindowCounter,
    public firstSeen: number,
  ) {}

  isIdle(now: number): boolean {
    return this.rate.isIdle(now) && this.newResources.isIdle(now);
  }
}

/**
 * An ISV issuing far faster than its own history, or for many resources it
 * never issued for before: its subscription key is in other hands, or it
 * mints tokens for clients it does not vet. Issuances are keyed by ISV on
 * the stream, so one ISV's events arrive in order.
 *
 * "New" means not issued for by this ISV within `rememberResourcesMs`, as
 * far as the detector remembers (at most `maxKnownResources` pairs, least
 * recently issued forgotten first: a forgotten resource may count as new
 * again). Since everything is new to a detector that just started watching
 * an ISV, new resources only count once it has watched the ISV for
 * `newResourcesWarmUpMs`.
 */
export class IsvIssuanceRule implements Rule {
  static readonly ID = 'isv-issuance';
  readonly id = IsvIssuanceRule.ID;
  readonly types = [LatIssuedV1.type];
  private readonly isvs: KeyedWindows<IsvState>;
  /** `isvId␀resourceId` → time of its latest issuance. */
  private readonly known: LRUCache<string, number>;

  constructor(
    private readonly config: RulesConfig['isvIssuance'],
    maxKeys: number,
  ) {
    this.isvs = new KeyedWindows({ maxKeys, sweepEveryMs: config.forgetAfterMs, slackMs: 0 });
    // No TTL: lru-cache's TTL runs on the wall clock; the age check below uses event time.
    this.known = new LRUCache<string, number>({ max: config.maxKnownResources });
  }

  /** Event history a restart must replay to rebuild what counts as new (see docs/ABUSE.md). */
  get replayHorizonMs(): number {
    return Math.max(this.config.rememberResourcesMs, this.config.forgetAfterMs);
  }

  consider(event: EventEnvelope): readonly Finding[] {
    const data = dataOf(LatIssuedV1, event);
    if (data === undefined) {
      return [];
    }
    const time = eventTimeMs(event);
    const resourceId = canonicalResourceId(data.resourceId);
    const isv = this.isvs.get(
      data.isvId,
      time,
      () =>
        new IsvState(
          new RateBaseline(this.config.alpha, this.config.forgetAfterMs),
          new DistinctWindowCounter(this.config.newResourcesWindowMs, this.config.newResources),
          time,
        ),
    );
    isv.firstSeen = Math.min(isv.firstSeen, time);
    return [...this.checkRate(event, data.isvId, isv, time), ...this.checkNewResource(event, data.isvId, resourceId, isv, time)];
  }

  private checkRate(event: EventEnvelope, isvId: string, isv: IsvState, time: number): Finding[] {
    const reading = isv.rate.add(time, event.id);
    if (reading === undefined || !isFarAboveBaseline(reading, this.config)) {
      return [];
    }
    isv.rate.markReported();
    return [
      findingAt(event, {
        ruleId: this.id,
        severity: 'high',
        subject: { kind: 'isv', id: isvId },
        isvId,
        resourceId: null,
        evidenceEventIds: reading.evidenceEventIds,
        explanation: `ISV ${isvId} issued ${describeRate(reading, this.config)}.`,
      }),
    ];
  }

  private checkNewResource(event: EventEnvelope, isvId: string, resourceId: string, isv: IsvState, time: number): Finding[] {
    const pair = `${isvId}\u0000${resourceId}`;
    const lastIssued = this.known.get(pair);
    this.known.set(pair, Math.max(lastIssued ?? time, time));
    const isNew = lastIssued === undefined || lastIssued <= time - this.config.rememberResourcesMs;
    if (!isNew || time - isv.firstSeen < this.config.newResourcesWarmUpMs) {
      return [];
    }
    isv.newResources.add(time, resourceId, event.id);
    const count = isv.newResources.count;
    if (count < this.config.newResources) {
      return [];
    }
    const evidence = isv.newResources.ids();
    isv.newResources.clear();
    return [
      findingAt(event, {
        ruleId: this.id,
        severity: 'high',
        subject: { kind: 'isv', id: isvId },
        isvId,
        resourceId: null,
        evidenceEventIds: evidence,
        explanation:
          `ISV ${isvId} issued tokens for ${count} resources new to it within ${describeWindow(this.config.newResourcesWindowMs)} ` +
          `(threshold ${this.config.newResources}; new = no issuance for it in the previous ${describeWindow(this.config.rememberResourcesMs)}).`,
      }),
    ];
  }
}
