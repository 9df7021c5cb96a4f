import { randomUUID } from 'node:crypto';
import { LatRejectedV1, LatUsedV1, type EventData, type EventEnvelope } from '@latchkey/contracts';
import { EventBus, isEvent, KafkaTransport } from '@latchkey/messaging';
import { eventually, testKafkaBrokers } from '@latchkey/testing';

export type LatUsed = EventData<typeof LatUsedV1>;
export type LatRejected = EventData<typeof LatRejectedV1>;

/** One event as it arrived from Kafka, with its whole envelope serialised (to look for what must never be in it). */
export interface Tapped<T> {
  readonly envelope: EventEnvelope<T>;
  readonly raw: string;
}

/** Long enough for the first lookup, which may wait for the group join and whatever the topics already hold. */
const ARRIVAL = { timeoutMs: 60_000 };

/** Client resources of these suites live in resource group `Token-Use` (GatedFaceApi): the rest of the backlog is not kept. */
const ours = (resourceId: string | null): boolean => resourceId?.includes('/resourcegroups/token-use/') === true;

/**
 * Reads `lat.used` and `lat.rejected` from Kafka as the audit and abuse-detector services would: a bus of its
 * own and a fresh consumer group, so it reads both topics from the start and misses nothing. On a long-lived
 * broker that start is every earlier run's events (see useOwnKafka): look events up by `jti`, and start the
 * tap beside the services' boot, since its group join takes a few seconds.
 */
export class UseEventTap {
  readonly used: Tapped<LatUsed>[] = [];
  readonly rejected: Tapped<LatRejected>[] = [];

  private readonly bus: EventBus;

  private constructor() {
    const brokers = testKafkaBrokers();
    if (!brokers) throw new Error('UseEventTap needs real Kafka (use describeWithInfrastructure)');
    this.bus = new EventBus({ source: '/latchkey/test', transport: new KafkaTransport({ brokers, clientId: 'test-token-use-tap' }) });
  }

  static async start(): Promise<UseEventTap> {
    const tap = new UseEventTap();
    await tap.bus.connect();
    await tap.bus.subscribe({
      group: `token-use-tap-${randomUUID()}`,
      events: [LatUsedV1, LatRejectedV1],
      handle: async (event) => {
        if (isEvent(event, LatUsedV1) && ours(event.envelope.data.resourceId)) {
          tap.used.push({ envelope: event.envelope, raw: JSON.stringify(event.envelope) });
        } else if (isEvent(event, LatRejectedV1) && ours(event.envelope.data.resourceId)) {
          tap.rejected.push({ envelope: event.envelope, raw: JSON.stringify(event.envelope) });
        }
      },
    });
    return tap;
  }

  /** The `lat.used` events of a token, once at least `count` arrived. */
  async usesOf(jti: string, count = 1): Promise<Tapped<LatUsed>[]> {
    return eventually(
      () => {
        const found = this.used.filter((e) => e.envelope.data.jti === jti);
        return found.length >= count ? found : false;
      },
      { ...ARRIVAL, what: `${count} lat.used of ${jti}` },
    ) as Promise<Tapped<LatUsed>[]>;
  }

  /** The first `lat.rejected` matching `match`, once it arrived. */
  async rejection(match: (data: LatRejected) => boolean, what: string): Promise<Tapped<LatRejected>> {
    return eventually(() => this.rejected.find((e) => match(e.envelope.data)) ?? false, { ...ARRIVAL, what }) as Promise<Tapped<LatRejected>>;
  }

  stop(): Promise<void> {
    return this.bus.close();
  }
}
