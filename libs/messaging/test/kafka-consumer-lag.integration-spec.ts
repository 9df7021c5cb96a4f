import { randomUUID } from 'node:crypto';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { describeWithKafka, eventually, parseScrape, testKafkaBrokers } from '@latchkey/testing';
import { KafkaTransport } from '../src/lib/kafka/kafka-transport';

/** latchkey_consumer_lag of `group` on `topic`, as `partition → value`. */
async function lagOf(group: string, topic: string): Promise<Record<string, number>> {
  const samples = parseScrape(await renderPrometheusMetrics()).samples('latchkey_consumer_lag', { group, topic });
  return Object.fromEntries(samples.map((s) => [s.labels['partition'], s.value]));
}

// latchkey.consumer.lag from a real broker: what a Kafka member reports per partition while its handler holds the
// messages, checked against the broker's own committed and end offsets, then 0 once they are handled.
describeWithKafka('consumer lag on Kafka (latchkey.consumer.lag)', () => {
  let transport: KafkaTransport;

  beforeAll(() => {
    // Before the transport: instruments created earlier would be no-ops for good.
    startTelemetry({ instrumentations: [] });
  });

  afterAll(async () => {
    await transport?.close();
    await shutdownTelemetry();
  }, 60_000);

  it('reports per partition the messages the group has not handled, as the broker counts them, then 0', async () => {
    const topic = `test.lag.${randomUUID().slice(0, 8)}`;
    const group = `lag-${randomUUID()}`;
    transport = new KafkaTransport({ brokers: testKafkaBrokers() ?? [], clientId: 'latchkey-lag-test', partitions: 3 });
    await transport.connect();
    await transport.ensureTopics([{ name: topic }]);
    await transport.send(
      Array.from({ length: 30 }, (_, i) => ({ topic, key: `k${i}`, value: Buffer.from(`m${i}`), headers: {} })),
      10_000,
    );

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    // Three partitions at once, each held by the gate: every partition's batch is in hand, none handled.
    const handle = await transport.consume({
      group,
      topics: [topic],
      concurrency: 3,
      onBatch: async (messages) => {
        await gate;
        handled += messages.length;
      },
    });

    const ends = Object.fromEntries(
      (await transport.progress(group, topic)).filter((p) => p.end > 0n).map((p) => [String(p.partition), Number(p.end)]),
    );
    expect(Object.values(ends).reduce((a, b) => a + b, 0)).toBe(30);
    expect(Object.keys(ends).length).toBeGreaterThan(1);
    // Nothing committed yet: the lag of each partition is all of its messages.
    await eventually(async () => JSON.stringify(await lagOf(group, topic)) === JSON.stringify(ends), {
      timeoutMs: 45_000,
      what: `lag ${JSON.stringify(ends)} per partition`,
    });
    const samples = parseScrape(await renderPrometheusMetrics()).samples('latchkey_consumer_lag', { group });
    expect(samples.map((s) => Object.keys(s.labels).sort())).toEqual(samples.map(() => ['group', 'otel_scope_name', 'partition', 'topic']));

    release();
    await eventually(() => handled === 30, { timeoutMs: 45_000, what: 'the 30 messages handled' });
    const caughtUp = Object.fromEntries(Object.keys(ends).map((p) => [p, 0]));
    await eventually(async () => JSON.stringify(await lagOf(group, topic)) === JSON.stringify(caughtUp), { timeoutMs: 10_000, what: 'lag 0' });
    const progress = await transport.progress(group, topic);
    expect(progress.every((p) => p.committed === p.end)).toBe(true);

    await handle.stop();
    expect(Object.values(await lagOf(group, topic)).every((lag) => lag === 0)).toBe(true);
  }, 120_000);
});
