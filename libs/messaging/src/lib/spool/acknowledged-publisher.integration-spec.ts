import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineEvent, dlqTopic, EventRegistry, type Topic } from '@latchkey/contracts';
import { describeWithKafka, eventually, KafkaBroker, testKafkaBrokers } from '@latchkey/testing';
import { EventBus } from '../event-bus';
import { KafkaTransport } from '../kafka/kafka-transport';
import { AcknowledgedPublisher } from './acknowledged-publisher';
import { DurableSpool } from './durable-spool';
import { SpoolDrainer } from './spool-drainer';

/** A port nothing listens on: a broker that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

// Fail-closed publishing against a real Kafka broker: events reach Kafka through the bus;
// with the bus unreachable they land in the spool; after a restart over the same folder the
// drainer delivers them, and a real consumer sees every event exactly once and in order.
describeWithKafka(AcknowledgedPublisher.name, () => {
  const topic = `test.use.${randomUUID().slice(0, 8)}`;
  const Use = defineEvent({
    type: 'com.latchkey.test.use.v1',
    topic: topic as Topic,
    data: z.object({ resource: z.string(), seq: z.number().int() }),
    key: (d) => d.resource,
    subject: (d) => `${d.resource}/${d.seq}`,
  });
  const registry = new EventRegistry([Use]);
  const closing: (() => Promise<void>)[] = [];
  let root: string;

  function kafkaBus(brokers: readonly string[], name: string): { bus: EventBus; transport: KafkaTransport } {
    const transport = new KafkaTransport({ brokers, clientId: `latchkey-spool-${name}`, connectionTimeoutMs: 1000 });
    const bus = new EventBus({ source: '/latchkey/face-api', transport, registry, sendTimeoutMs: 10000 });
    closing.push(() => bus.close());
    return { bus, transport };
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'latchkey-spool-kafka-'));
  });

  afterAll(async () => {
    for (const close of closing.splice(0).reverse()) await close();
    await rm(root, { recursive: true, force: true });
  });

  it('records on Kafka, spools while the broker is unreachable, and delivers the spool exactly once after a restart', async () => {
    const brokers = testKafkaBrokers() ?? [];
    const dir = join(root, 'spool', 'face-api');
    const resource = `resource-${randomUUID()}`;
    let seq = 0;
    const next = () => ({ resource, seq: seq++ });

    const { bus: up, transport } = kafkaBus(brokers, 'up');
    await up.connect();
    await transport.ensureTopics([{ name: topic }, { name: dlqTopic(topic) }]);
    const seen: string[] = [];
    await up.subscribe({ group: `spool-test-${randomUUID()}`, events: [Use], handle: async (e) => void seen.push(e.envelope.id) });

    // 1. The bus is up: one batch, acknowledged by Kafka.
    const spoolA = await DurableSpool.open({ dir, maxBytes: 1024 * 1024 });
    const online = new AcknowledgedPublisher(up, spoolA, new SpoolDrainer(up, spoolA), { deadlineMs: 10000 });
    const first = await Promise.all(Array.from({ length: 10 }, () => online.publish(Use, next())));
    expect(first.every((r) => r.via === 'bus')).toBe(true);
    await online.close();

    // 2. The broker is unreachable: every event lands in the spool, none is refused.
    const { bus: down } = kafkaBus([`127.0.0.1:${await closedPort()}`], 'down');
    const spoolB = await DurableSpool.open({ dir, maxBytes: 1024 * 1024 });
    const offline = new AcknowledgedPublisher(down, spoolB, null, { deadlineMs: 1000 });
    const second = await Promise.all(Array.from({ length: 25 }, () => offline.publish(Use, next())));
    expect(second.every((r) => r.via === 'spool')).toBe(true);
    expect(offline.health()).toMatchObject({ pendingEvents: 25, refused: 0 });
    await offline.close(); // the process "stops" with a non-empty spool

    // 3. A restart over the same folder with the broker back: leftovers first, then new events behind them.
    const spoolC = await DurableSpool.open({ dir, maxBytes: 1024 * 1024 });
    expect(spoolC.stats().pendingEvents).toBe(25);
    const drainer = new SpoolDrainer(up, spoolC, { sendDeadlineMs: 10000 });
    const restarted = new AcknowledgedPublisher(up, spoolC, drainer, { deadlineMs: 10000 });
    closing.push(async () => {
      await drainer.stop(0);
      await restarted.close();
    });
    const third = await Promise.all(Array.from({ length: 5 }, () => restarted.publish(Use, next())));
    expect(third.every((r) => r.via === 'spool')).toBe(true); // behind the leftovers, not ahead of them
    drainer.start();
    await eventually(() => spoolC.isEmpty, { timeoutMs: 30000, what: 'spool drained' });
    expect(await readdir(dir)).toEqual([]);
    const fourth = await restarted.publish(Use, next());
    expect(fourth.via).toBe('bus');

    const expected = [...first, ...second, ...third, fourth].map((r) => r.id);
    await eventually(() => seen.length >= expected.length, { timeoutMs: 60000, what: `${expected.length} events consumed` });
    // One key, one partition: Kafka's order is the publish order, and nothing came twice.
    expect(seen).toEqual(expected);
  }, 120000);

  it('spools while a connected broker goes down, and delivers every event once it is back', async () => {
    // A private broker: stopping the shared one would break other suites.
    const broker = await KafkaBroker.start();
    closing.unshift(() => broker.stop());
    const dir = join(root, 'spool', 'outage');
    const resource = `resource-${randomUUID()}`;
    let seq = 0;
    const next = () => ({ resource, seq: seq++ });
    const { bus, transport } = kafkaBus(broker.brokers, 'outage');
    await bus.connect();
    await transport.ensureTopics([{ name: topic }, { name: dlqTopic(topic) }]);
    const received = new Map<string, number>();
    await bus.subscribe({
      group: `spool-outage-${randomUUID()}`,
      events: [Use],
      handle: async (e) => void received.set(e.envelope.id, (received.get(e.envelope.id) ?? 0) + 1),
    });
    const spool = await DurableSpool.open({ dir, maxBytes: 1024 * 1024 });
    const drainer = new SpoolDrainer(bus, spool, { sendDeadlineMs: 1000, maxBackoffMs: 1000 });
    const publisher = new AcknowledgedPublisher(bus, spool, drainer, { deadlineMs: 1000 });
    closing.unshift(async () => {
      await drainer.stop(0);
      await publisher.close();
    });
    drainer.start();

    const before = await Promise.all(Array.from({ length: 5 }, () => publisher.publish(Use, next())));
    expect(before.every((r) => r.via === 'bus')).toBe(true);

    await broker.pause();
    const started = Date.now();
    const during = await Promise.all(Array.from({ length: 20 }, () => publisher.publish(Use, next())));
    expect(during.every((r) => r.via === 'spool')).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000); // within the deadline, not kafkajs's retries
    expect(publisher.health()).toMatchObject({ mode: 'spool', refused: 0 });

    await broker.resume();
    await eventually(() => spool.isEmpty, { timeoutMs: 60000, what: 'spool drained after the outage' });
    const after = await publisher.publish(Use, next());
    expect(after.via).toBe('bus');

    const expected = [...before, ...during, after].map((r) => r.id);
    await eventually(() => expected.every((id) => received.has(id)), { timeoutMs: 90000, what: 'every event consumed' });
    // At-least-once: a send the deadline gave up on may still land; the inbox makes it count once.
    expect([...received.keys()].sort()).toEqual([...expected].sort());
  }, 240000);
});
