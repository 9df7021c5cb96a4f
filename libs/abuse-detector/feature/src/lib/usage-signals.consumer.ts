import { canonicalResourceId, LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';
import { UsageCounterRepository } from '@latchkey/abuse-detector/data-access';
import { EventConsumer, isEvent, type HandlesEvents, type ReceivedEvent } from '@latchkey/messaging';

const GROUP = 'abuse-detector.usage';

/**
 * Counts served and refused token uses per client resource and minute: the
 * baseline the rate rules compare against. Each event counts once (inbox).
 * A refusal that names no resource (a malformed token) has nothing to count
 * against and is left to the rules that look at refusals themselves.
 */
@EventConsumer({ group: GROUP, events: [LatUsedV1, LatRejectedV1] })
export class UsageSignalsConsumer implements HandlesEvents {
  constructor(private readonly counters: UsageCounterRepository) {}

  async handle(event: ReceivedEvent): Promise<void> {
    const at = new Date(event.envelope.time);
    if (isEvent(event, LatUsedV1)) {
      await this.counters.count(GROUP, event.envelope.id, canonicalResourceId(event.envelope.data.resourceId), at, 'served');
    } else if (isEvent(event, LatRejectedV1) && event.envelope.data.resourceId) {
      await this.counters.count(GROUP, event.envelope.id, canonicalResourceId(event.envelope.data.resourceId), at, 'rejected');
    }
  }
}
