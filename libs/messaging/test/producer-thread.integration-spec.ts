import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { describeWithKafka, testKafkaBrokers } from '@latchkey/testing';
import { ProducerThreadError, ThreadedProducer } from '../src/lib/kafka/producer-thread';
import type { TransportMessage } from '../src/lib/transport/transport';

const message = (topic: string, i: number): TransportMessage => ({
  topic,
  key: `key-${i % 3}`,
  value: Buffer.from(JSON.stringify({ i })),
  headers: { ce_id: `id-${i}`, 'content-type': 'application/json' },
});

/** Offsets at the end of `topic`, summed over partitions: how many records it holds. */
async function recordsIn(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

// The producer thread against the shared test broker: what reaches Kafka, and what a dying thread does to sends.
describeWithKafka('ThreadedProducer', () => {
  const brokers = () => testKafkaBrokers() ?? [];
  let producer: ThreadedProducer;
  let kafka: Kafka;
  const logs: string[] = [];

  beforeEach(() => {
    kafka = new Kafka({ clientId: 'producer-thread-test', brokers: brokers(), logLevel: logLevel.NOTHING });
    producer = new ThreadedProducer({ brokers: brokers(), clientId: 'producer-thread-test' }, (_level, text) => logs.push(text));
  });

  afterEach(async () => {
    await producer.close();
  });

  it('sends batches from its own thread, every record acknowledged and on the partition its key names', async () => {
    const topic = `producer-thread-${randomUUID()}`;
    await producer.connect();
    expect(producer.connected()).toBe(true);
    await producer.send(Array.from({ length: 50 }, (_, i) => message(topic, i)), 10_000);
    await producer.send([message(topic, 50)], 10_000);
    expect(await recordsIn(kafka, topic)).toBe(51);

    const consumer = kafka.consumer({ groupId: `producer-thread-${randomUUID()}` });
    const seen: { key: string; partition: number; ceId: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message: m }) => {
          seen.push({ key: String(m.key), partition, ceId: String(m.headers?.['ce_id']) });
          if (seen.length === 51) resolve();
        },
      });
    });
    await consumer.disconnect();
    // One partition per key (murmur2), values and headers intact.
    for (const key of ['key-0', 'key-1', 'key-2']) expect(new Set(seen.filter((s) => s.key === key).map((s) => s.partition)).size).toBe(1);
    expect(seen.map((s) => s.ceId).sort()).toEqual(Array.from({ length: 51 }, (_, i) => `id-${i}`).sort());
  });

  it('fails the sends of a thread that dies at once, and the next send starts a new thread that delivers', async () => {
    const topic = `producer-thread-${randomUUID()}`;
    await producer.connect();
    const inFlight = producer.send([message(topic, 1)], 10_000);
    await producer['worker']?.terminate();
    await expect(inFlight).rejects.toThrow(ProducerThreadError);
    expect(producer.connected()).toBe(false);
    expect(logs.some((l) => l.includes('the producer thread exited'))).toBe(true);

    await producer.connect();
    await producer.send([message(topic, 2)], 10_000);
    expect(await recordsIn(kafka, topic)).toBeGreaterThanOrEqual(1);
  });

  it('refuses sends while disconnected, with kafkajs’s own error, and sends again after connect', async () => {
    const topic = `producer-thread-${randomUUID()}`;
    await producer.connect();
    await producer.disconnect();
    expect(producer.connected()).toBe(false);
    await expect(producer.send([message(topic, 1)], 5_000)).rejects.toThrow(/disconnected/i);
    await producer.connect();
    await producer.send([message(topic, 2)], 10_000);
    expect(await recordsIn(kafka, topic)).toBe(1);
  });
});
