import { canonicalResourceId, LatUsedV1, type EventEnvelope } from '@latchkey/contracts';
import type { Finding, Rule } from './rule';
import { clientKey, dataOf, eventTimeMs, findingAt, ofIsv } from './rule-support';
import { describeRate, isFarAboveBaseline } from './rate-check';
import type { RateRuleConfig } from './rules.config';
import { KeyedWindows } from './window/keyed-windows';
import { RateBaseline } from './window/rate-baseline';

/**
 * An ISV's client serving tokens far faster than its own history: a token
 * or key in other hands, or a runaway client. The baseline is per client
 * resource and ISV (the use verified the token, so its ISV is the issuer's):
 * one resource can be a client of several ISVs, whose traffic and alerts
 * stay apart. Uses are keyed by resource on the stream, so one resource's
 * minutes arrive in order.
 */
export class ClientRateRule implements Rule {
  static readonly ID = 'client-rate';
  readonly id = ClientRateRule.ID;
  readonly types = [LatUsedV1.type];
  private readonly baselines: KeyedWindows<RateBaseline>;

  constructor(
    private readonly config: RateRuleConfig,
    maxKeys: number,
  ) {
    this.baselines = new KeyedWindows({ maxKeys, sweepEveryMs: config.forgetAfterMs, slackMs: 0 });
  }

  /** Event history a restart must replay for the baselines to be rebuilt (see docs/ABUSE.md). */
  get replayHorizonMs(): number {
    return this.config.forgetAfterMs;
  }

  consider(event: EventEnvelope): readonly Finding[] {
    const data = dataOf(LatUsedV1, event);
    if (data === undefined) {
      return [];
    }
    const resourceId = canonicalResourceId(data.resourceId);
    const time = eventTimeMs(event);
    const baseline = this.baselines.get(
      clientKey(data.isvId, resourceId),
      time,
      () => new RateBaseline(this.config.alpha, this.config.forgetAfterMs),
    );
    const reading = baseline.add(time, event.id);
    if (reading === undefined || !isFarAboveBaseline(reading, this.config)) {
      return [];
    }
    baseline.markReported();
    return [
      findingAt(event, {
        ruleId: this.id,
        severity: 'medium',
        subject: { kind: 'resource', id: resourceId },
        // A served use verified the token, so its ISV is the one that issued it.
        isvId: data.isvId,
        resourceId,
        evidenceEventIds: reading.evidenceEventIds,
        explanation: `Resource ${resourceId}${ofIsv(data.isvId)} served ${describeRate(reading, this.config)}.`,
      }),
    ];
  }
}
