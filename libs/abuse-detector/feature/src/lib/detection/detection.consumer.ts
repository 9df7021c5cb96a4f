import { LRUCache } from 'lru-cache';
import { Inject } from '@nestjs/common';
import {
  canonicalResourceId,
  ExchangeDeniedV1,
  LatIssuedV1,
  LatRejectedV1,
  LatUsedV1,
  RbacDeniedV1,
  type EventDefinition,
} from '@latchkey/contracts';
import { IssuedTokenRepository, type IssuedToken } from '@latchkey/abuse-detector/data-access';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { EventConsumer, isEvent, type HandlesEventBatches, type ReceivedEvent, type RewindsOnStart } from '@latchkey/messaging';
import { abuseDetectorConfig } from '../abuse-detector.config';
import type { Finding, RuleContext } from '../rules/rule';
import { AlertRecorder } from './alert-recorder';
import { DETECTION_RULES, type DetectionRules } from './detection-rules';

/** The events the rules read. */
export const DETECTED_EVENTS: readonly EventDefinition[] = [LatIssuedV1, LatUsedV1, LatRejectedV1, ExchangeDeniedV1, RbacDeniedV1];

/** Events whose findings are remembered against a retry: several batches' worth (batches hold at most 500). */
const CONSIDERED_EVENTS_KEPT = 20_000;

/** The consumer group of the detection rules. */
export const DETECTION_GROUP = 'abuse-detector.rules';

/**
 * Runs the rules over the live stream, a batch of one partition at a time:
 * first remembers the batch's issued tokens (which ISV and client each
 * `jti` belongs to), then looks up every token the batch's uses and
 * refusals name, so the rules' context answers synchronously, then feeds
 * the events to the rules in order and records each finding (alert,
 * `abuse.alert`, revocations) in a transaction of its own. Tokens are
 * issued before they are used, but `lat.issued` and the uses travel on
 * different topics: a use read before its issuance is unknown to the
 * context, and the rules must treat it so.
 *
 * The rules' windows live in memory: whenever the member is given
 * partitions (start, rebalance) the transport re-reads the last
 * `rewindMs()` of the stream first. Those replayed events (already
 * committed past, their findings already recorded) go through the rules
 * to rebuild the windows, but their findings are dropped: a replay that
 * starts mid-burst can fire on another event than the live run did, which
 * the per-event inbox claim alone would count again.
 */
@EventConsumer({ group: DETECTION_GROUP, events: DETECTED_EVENTS, batch: { maxSize: 500 } })
export class DetectionConsumer implements HandlesEventBatches, RewindsOnStart {
  /** What each recently considered event caused, by event id (see considerOnce). */
  private readonly considered = new LRUCache<string, readonly Finding[]>({ max: CONSIDERED_EVENTS_KEPT });

  constructor(
    private readonly tokens: IssuedTokenRepository,
    private readonly recorder: AlertRecorder,
    @Inject(DETECTION_RULES) private readonly rules: DetectionRules,
    @InjectConfig(abuseDetectorConfig) private readonly config: Pick<ConfigOf<typeof abuseDetectorConfig>, 'LATCHKEY_ABUSE_REWIND_MAX_MS'>,
  ) {}

  /** The rules' replay horizon, capped by LATCHKEY_ABUSE_REWIND_MAX_MS (the 24 h of isv-issuance is too much to re-read at every start). */
  rewindMs(): number {
    return Math.min(this.rules.replayHorizonMs ?? 0, this.config.LATCHKEY_ABUSE_REWIND_MAX_MS);
  }

  async handleBatch(batch: readonly ReceivedEvent[]): Promise<void> {
    const issued: IssuedToken[] = [];
    const named: string[] = [];
    for (const event of batch) {
      if (isEvent(event, LatIssuedV1)) {
        const { jti, isvId, resourceId, expiresAt } = event.envelope.data;
        issued.push({ jti, isvId, resourceId: canonicalResourceId(resourceId), expiresAt: new Date(expiresAt) });
      } else if (isEvent(event, LatUsedV1) || isEvent(event, LatRejectedV1)) {
        if (event.envelope.data.jti !== null) named.push(event.envelope.data.jti);
      }
    }
    await this.tokens.record(issued);
    const known = await this.tokens.find(named);
    for (const token of issued) known.set(token.jti, token);
    const context: RuleContext = {
      issuedToken: (jti) => {
        const token = known.get(jti);
        return token && { isvId: token.isvId, resourceId: token.resourceId };
      },
    };
    for (const event of batch) {
      const findings = this.considerOnce(event, context);
      if (event.replay) continue; // rebuilding the windows only: what this event caused was recorded when it was first handled
      for (const finding of findings) await this.recorder.record(event.envelope.id, finding);
    }
  }

  /**
   * The rules' windows are in memory and not part of any transaction: a
   * batch handled again (its recording failed and the bus retries it, or
   * splits it into single events) must not feed the same event to them
   * twice, or a burst would count double. What an event caused is kept for
   * a while by its id and handed out again, to be recorded again (the alert
   * store's claims make that idempotent).
   */
  private considerOnce(event: ReceivedEvent, context: RuleContext): readonly Finding[] {
    const known = this.considered.get(event.envelope.id);
    if (known) return known;
    const findings = this.rules.consider(event.envelope, context);
    this.considered.set(event.envelope.id, findings);
    return findings;
  }
}
