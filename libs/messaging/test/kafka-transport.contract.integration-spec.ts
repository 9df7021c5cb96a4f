import { openDatabase, type Database } from '@latchkey/persistence';
import { randomUUID } from 'node:crypto';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { describeWithKafka, eventually, KafkaBroker, testDatabaseUrl } from '@latchkey/testing';
import { EventBus } from '../src/lib/event-bus';
import { KafkaTransport } from '../src/lib/kafka/kafka-transport';
import type { DeliveredMessage } from '../src/lib/transport/transport';
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
    rewindGapMs: 8000,
  }));

  // The same contract with the producer on a thread of its own (the services' default).
  describeEventBusContract('kafka, producer thread', () => ({
    newTransport: () => new KafkaTransport({ brokers: broker.brokers, clientId: 'latchkey-contract-thread', partitions: 3, producerThread: true }),
    stopBroker: () => broker.pause(),
    startBroker: () => broker.resume(),
    database: () => database,
    timeoutMs: 45000,
    rewindGapMs: 8000,
  }));

  describe('rewind across a rebalance', () => {
    it('gives a member joining the group the recent messages of its partitions again, and the member keeping its own none twice', async () => {
      const topic = `test.rewind-rebalance.${randomUUID().slice(0, 8)}`;
      const group = `rewind-rebalance-${randomUUID()}`;
      const transports = [1, 2].map((n) => new KafkaTransport({ brokers: broker.brokers, clientId: `latchkey-rewind-${n}`, partitions: 3 }));
      const [a, b] = transports;
      const seenA: DeliveredMessage[] = [];
      const seenB: DeliveredMessage[] = [];
      const id = (m: DeliveredMessage) => `${m.partition}:${m.offset}`;
      const send = (prefix: string) =>
        a.send(
          Array.from({ length: 30 }, (_, i) => ({ topic, key: `${prefix}-${i}`, value: Buffer.from(`${prefix}-${i}`), headers: {} })),
          4000,
        );
      try {
        await Promise.all(transports.map((t) => t.connect()));
        await a.ensureTopics([{ name: topic }]);
        await send('old');
        const rewind = { group, topics: [topic], rewindMs: 60_000 };
        await a.consume({ ...rewind, onBatch: async (messages) => void seenA.push(...messages) });
        await eventually(() => seenA.length >= 30, { timeoutMs: 45_000, what: 'the first member read everything' });

        // The second member makes the group rebalance: it takes some partitions, the first keeps the others.
        await b.consume({ ...rewind, onBatch: async (messages) => void seenB.push(...messages) });
        await eventually(() => seenB.length > 0, { timeoutMs: 60_000, what: 'the second member given partitions' });
        await send('new');
        await eventually(() => [...seenA, ...seenB].filter((m) => m.key.startsWith('new-')).length >= 30, {
          timeoutMs: 45_000,
          what: 'the new messages read',
        });

        // The kept partitions were not rewound: the first member's windows would otherwise see messages twice.
        expect(new Set(seenA.map(id)).size).toBe(seenA.length);
        // The moved ones were: the second member re-read their recent messages, as replays, then the new ones, not replays.
        const partitionsOfB = new Set(seenB.map((m) => m.partition));
        const oldOnB = seenA.filter((m) => m.key.startsWith('old-') && partitionsOfB.has(m.partition)).map((m) => m.key);
        expect(oldOnB.length).toBeGreaterThan(0);
        expect(seenB.filter((m) => m.key.startsWith('old-')).map((m) => [m.key, m.replay])).toEqual(
          expect.arrayContaining(oldOnB.map((key) => [key, true])),
        );
        expect(seenB.filter((m) => m.key.startsWith('old-'))).toHaveLength(oldOnB.length);
        expect(seenB.filter((m) => m.key.startsWith('new-')).every((m) => !m.replay)).toBe(true);
      } finally {
        await Promise.all(transports.map((t) => t.close()));
      }
    }, 180_000);
  });

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
