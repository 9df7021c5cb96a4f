import { InfraEnv, KafkaBroker } from '@latchkey/testing';

/** A test file's own Kafka broker, stopped (and the shared one restored) by `stop()`. */
export interface OwnKafka {
  stop(): Promise<void>;
}

/**
 * Starts a single-node Kafka broker for one test file and points `testKafkaBrokers()` (hence
 * startServiceUnderTest and every ServiceProcess started after it) at it, until `stop()`.
 *
 * Why: a consumer group of the platform always starts a topic from its beginning (KafkaTransport subscribes
 * `fromBeginning`, and commits each message on its own), and the shared test broker's `lat.used` holds every
 * earlier run's and benchmark's events: 150,000 of them on a developer machine, minutes to read before the
 * first event of this run. A broker of its own starts in about 4 s with empty topics. Without Java (a run
 * given only KAFKA_BROKERS) it falls back to the shared broker, and says so.
 */
export async function useOwnKafka(): Promise<OwnKafka> {
  const shared = process.env[InfraEnv.kafkaBrokers];
  let broker: KafkaBroker;
  try {
    broker = await KafkaBroker.start();
  } catch (error) {
    process.stderr.write(`\n*** no Kafka broker of its own (${(error as Error).message}); reading lat.used from the shared one: slow ***\n`);
    return { stop: async () => undefined };
  }
  // The variable through which the global setup tells workers where Kafka is; jest gives each file its own process.env.
  process.env[InfraEnv.kafkaBrokers] = broker.brokers.join(',');
  return {
    stop: async () => {
      if (shared === undefined) delete process.env[InfraEnv.kafkaBrokers];
      else process.env[InfraEnv.kafkaBrokers] = shared;
      await broker.stop();
    },
  };
}
