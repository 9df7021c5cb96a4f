import { openDatabase, type Database } from '@latchkey/persistence';
import { randomUUID } from 'node:crypto';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { describeWithKafka, eventually, KafkaBroker, testDatabaseUrl } from '@latchkey/testing';
import { EventBus } from '../src/lib/event-bus';
import { KafkaTransport } from '../src/lib/kafka/kafka-transport';
import { describeEventBusContract } from './event-bus.contract';

// The shared messaging contract against a real Apache Kafka broker (KRaft,
// started by this file so the outage case can stop and restart it) and the
// outbox on a real PostgreSQL.
describeWithKafka('KafkaTransport', () => {
  let broker: KafkaBroker;
  let database: Database;

  beforeAll(async () => {
    const url = testDatabaseUrl();
    if (!url) throw new Error('the Kafka contract needs PostgreSQL for its outbox case');
    [broker, database] = await Promise.all([KafkaBroker.start(), openDatabase({ url })]);
  }, 120000);

  afterAll(async () => {
    await database?.close();
    await broker?.stop();
  }, 60000);

  describeEventBusContract('kafka', () => ({
    newTransport: () => new KafkaTransport({ brokers: broker.brokers, clientId: 'latchkey-contract-test', partitions: 3 }),
    stopBroker: () => broker.pause(),
    startBroker: () => broker.resume(),
    database: () => database,
    timeoutMs: 45000,
  }));

  // The same contract with the producer on a thread of its own (the services' default).
  describeEventBusContract('kafka, producer thread', () => ({
    newTransport: () => new KafkaTransport({ brokers: broker.brokers, clientId: 'latchkey-contract-thread', partitions: 3, producerThread: true }),
    stopBroker: () => broker.pause(),
    startBroker: () => broker.resume(),
    database: () => database,
    timeoutMs: 45000,
  }));

  describe('consumer crash detection', () => {
    it('reports a consumer as not running while the broker is gone, then recovers by itself', async () => {
      const transport = new KafkaTransport({ brokers: broker.brokers, clientId: 'latchkey-crash-test', connectionTimeoutMs: 1000 });
      const bus = new EventBus({ source: '/latchkey/test', transport });
      try {
        await bus.connect();
        await bus.subscribe({ group: `crash-${randomUUID()}`, events: [AccessRevocationV1], handle: async () => undefined });
        await eventually(() => bus.health().consumers.every((c) => c.running), { timeoutMs: 45000, what: 'consumer running' });
        expect(() => bus.assertReady()).not.toThrow();

        await broker.pause();
        // Never idle while looking healthy: readiness must fail during the outage.
        await eventually(() => bus.health().consumers.some((c) => !c.running), { timeoutMs: 90000, what: 'consumer reported down' });
        expect(() => bus.assertReady()).toThrow(/consumers not running|not connected/);

        await broker.resume();
        await eventually(() => bus.health().consumers.every((c) => c.running), { timeoutMs: 90000, what: 'consumer back' });
      } finally {
        await broker.resume();
        await bus.close();
      }
    }, 240000);
  });
});
