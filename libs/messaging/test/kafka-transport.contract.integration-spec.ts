import { openDatabase, type Database } from '@latchkey/persistence';
import { describeWithKafka, KafkaBroker, testDatabaseUrl } from '@latchkey/testing';
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
});
