import type { INestApplication } from '@nestjs/common';
import { EventBus, KafkaTransport } from '@latchkey/messaging';

/** Takes a running service's Kafka producer down and brings it back; consumers are left alone. */
export interface ProducerSwitch {
  /** Disconnects the producer: every send fails at once ("The producer is disconnected"). */
  off(): Promise<void>;
  /** Connects it again, through the transport's own public `connect()`. */
  on(): Promise<void>;
  /** What the transport itself reports (what readiness reads). */
  connected(): boolean;
}

/**
 * The producer of a service's own KafkaTransport, to simulate the bus refusing its events after boot (a service
 * cannot boot without Kafka, so the outage has to start later). Why this way, and not another:
 * - `EventBus.close()` / `KafkaTransport.close()` would stop the revocation consumer too: the guard would then
 *   refuse with RevocationStateStale, which is another rule than the one under test.
 * - Stubbing `EventBus.publishEnvelopes` would leave Kafka out of the test altogether.
 * - Pausing a broker stalls every client of it, the revocation feed included (and other suites' clients).
 * Neither EventBus nor KafkaTransport exposes its producer, so this reaches it with TypeScript's element-access
 * escape hatch (`bus['options']`, `transport['producer']`), type-checked against the real private fields: a
 * rename fails compilation, and the `instanceof` check fails loudly if the transport is not Kafka. Only
 * `disconnect()` goes behind the API; reconnecting is the transport's public `connect()`.
 */
export function producerSwitch(app: INestApplication): ProducerSwitch {
  const transport = app.get(EventBus)['options'].transport;
  if (!(transport instanceof KafkaTransport)) throw new Error(`expected the service to run on Kafka, not ${transport.kind}`);
  const producer = transport['producer'];
  return {
    off: () => producer.disconnect(),
    on: () => transport.connect(),
    connected: () => transport.connected(),
  };
}
