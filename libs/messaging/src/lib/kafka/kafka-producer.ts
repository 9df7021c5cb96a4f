import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { TransportMessage } from '../transport/transport';
import { fixKafkajsIdleLoop } from './kafkajs-idle-loop-fix';
import { Murmur2Partitioner } from './murmur2-partitioner';

/** What both sides of a producer thread need to reach the brokers (plain data: it crosses to a worker). */
export interface KafkaClientSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Broker connection timeout, ms (default 3000). */
  readonly connectionTimeoutMs?: number;
}

/** kafkajs log entries at warn level and above (never message contents). */
export type KafkaLog = (level: 'error' | 'warn', message: string) => void;

export function createKafkaClient(settings: KafkaClientSettings, log?: KafkaLog): Kafka {
  // Every client, on the main thread and in the producer thread, goes through here.
  fixKafkajsIdleLoop();
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: settings.connectionTimeoutMs ?? 3000,
    retry: { retries: 3, initialRetryTime: 200 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        if (level <= logLevel.WARN) log?.(level === logLevel.ERROR ? 'error' : 'warn', entry.message);
      },
  });
}

/**
 * The producer every service uses: it waits for all in-sync replicas
 * (`acks: -1`, in {@link sendMessages}) and is idempotent, which kafkajs
 * allows only with one request in flight (the price of no duplicates and no
 * reordering on retry). Keys are partitioned with murmur2 as the Java client
 * does, so a key lands on the same partition whichever client produced it.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: true,
    createPartitioner: Murmur2Partitioner,
  });
}

/** Sends `messages` as one batch (per topic), acknowledged by all in-sync replicas. */
export async function sendMessages(producer: Producer, messages: readonly TransportMessage[], timeoutMs: number): Promise<void> {
  const byTopic = new Map<string, TransportMessage[]>();
  for (const m of messages) {
    const list = byTopic.get(m.topic);
    if (list) list.push(m);
    else byTopic.set(m.topic, [m]);
  }
  await producer.sendBatch({
    acks: -1,
    timeout: timeoutMs,
    topicMessages: [...byTopic].map(([topic, list]) => ({
      topic,
      messages: list.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
    })),
  });
}
