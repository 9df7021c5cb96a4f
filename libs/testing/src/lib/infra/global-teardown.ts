import type { KafkaBroker } from '../kafka/kafka-broker';

/** Stops the broker the global setup started (never one given through KAFKA_BROKERS). */
export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { __latchkeyKafka?: KafkaBroker };
  await holder.__latchkeyKafka?.stop();
  holder.__latchkeyKafka = undefined;
}
