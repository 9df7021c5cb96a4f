import { LatIssuedV1, LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';
import { IssuedTokenRepository, IsvActivityRepository, type IsvActivityEvent } from '@latchkey/abuse-detector/data-access';
import { EventConsumer, isEvent, type HandlesEventBatches, type ReceivedEvent } from '@latchkey/messaging';

/** The consumer group (and inbox consumer) of the per-ISV activity counts. */
export const ACTIVITY_GROUP = 'abuse-detector.activity';

/**
 * Counts, per ISV and minute, the tokens issued (`lat.issued`), the uses
 * served (`lat.used`) and the uses refused (`lat.rejected`), for the
 * console's per-ISV charts; each event once (inbox claims in the
 * transaction that counts the batch).
 *
 * A refusal counts for the ISV the detector's issuance record names for its
 * `jti`, never for the `isvId` it carries: a refusal may come from a forged
 * or mangled token whose claims nobody verified, and counting those would
 * let anyone paint refusals on another ISV's chart. A refusal whose `jti`
 * the detector never saw issued (or saw issued after this batch was read:
 * `lat.issued` travels on another topic) is not counted.
 */
@EventConsumer({ group: ACTIVITY_GROUP, events: [LatIssuedV1, LatUsedV1, LatRejectedV1], batch: { maxSize: 500 } })
export class IsvActivityConsumer implements HandlesEventBatches {
  constructor(
    private readonly activity: IsvActivityRepository,
    private readonly tokens: IssuedTokenRepository,
  ) {}

  async handleBatch(batch: readonly ReceivedEvent[]): Promise<void> {
    const issuedHere = new Map<string, string>();
    const refusedJtis: string[] = [];
    for (const event of batch) {
      if (isEvent(event, LatIssuedV1)) issuedHere.set(event.envelope.data.jti, event.envelope.data.isvId);
      else if (isEvent(event, LatRejectedV1) && event.envelope.data.jti !== null) refusedJtis.push(event.envelope.data.jti);
    }
    const known = await this.tokens.find(refusedJtis.filter((jti) => !issuedHere.has(jti)));
    const isvOfToken = (jti: string): string | undefined => issuedHere.get(jti) ?? known.get(jti)?.isvId;

    const counted: IsvActivityEvent[] = [];
    for (const event of batch) {
      const base = { eventId: event.envelope.id, at: new Date(event.envelope.time) };
      if (isEvent(event, LatIssuedV1)) {
        counted.push({ ...base, isvId: event.envelope.data.isvId, kind: 'issued' });
      } else if (isEvent(event, LatUsedV1)) {
        // Served: the verifier checked the token's signature, so its isvId claim is the issuer's.
        counted.push({ ...base, isvId: event.envelope.data.isvId, kind: 'used' });
      } else if (isEvent(event, LatRejectedV1) && event.envelope.data.jti !== null) {
        const isvId = isvOfToken(event.envelope.data.jti);
        if (isvId !== undefined) counted.push({ ...base, isvId, kind: 'rejected' });
      }
    }
    await this.activity.count(ACTIVITY_GROUP, counted);
  }
}
