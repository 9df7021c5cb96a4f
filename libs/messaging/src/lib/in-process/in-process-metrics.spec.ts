import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { eventually, parseScrape } from '@latchkey/testing';
import { InProcessBroker } from './in-process-broker';
import { InProcessTransport } from './in-process-transport';

const TOPIC = 'metrics.lag';
const message = (key: string, n: number) => ({ topic: TOPIC, key, value: Buffer.from(`${key}-${n}`), headers: {} });

/** latchkey_consumer_lag of `group`, as `partition → value`, with the labels checked on the way. */
async function lagOf(group: string): Promise<Record<string, number>> {
  const samples = parseScrape(await renderPrometheusMetrics()).samples('latchkey_consumer_lag', { group });
  return Object.fromEntries(
    samples.map((s) => {
      expect(s.labels).toEqual({ group, topic: TOPIC, partition: s.labels['partition'], otel_scope_name: '@latchkey/platform' });
      return [s.labels['partition'], s.value];
    }),
  );
}

describe('consumer lag on the in-process transport (latchkey.consumer.lag)', () => {
  let broker: InProcessBroker;
  let transport: InProcessTransport;
  /** Handlers wait on it; opened after each test, so that a failed one still stops. */
  let release: () => void;
  let gate: Promise<void>;

  beforeEach(() => {
    // Before anything that creates instruments: the metrics API's instruments are no-ops until the SDK starts.
    startTelemetry({ instrumentations: [] });
    broker = new InProcessBroker(2);
    transport = new InProcessTransport(broker);
    gate = new Promise<void>((resolve) => (release = resolve));
  });

  afterEach(async () => {
    release();
    await transport.close();
    await shutdownTelemetry();
  });

  it('counts, per partition, the messages the group has not handled, and drops to 0 once they are', async () => {
    let handled = 0;
    await transport.consume({
      group: 'metrics-g',
      topics: [TOPIC],
      onMessage: async () => {
        await gate;
        handled++;
      },
    });
    // One key: all three on one partition; the handler holds the first, so none is committed.
    await transport.send([message('k', 1), message('k', 2), message('k', 3)]);
    const busy = broker.messages(TOPIC)[0].partition;
    const idle = 1 - busy;
    expect(await lagOf('metrics-g')).toEqual({ [busy]: 3, [idle]: 0 });

    release();
    await eventually(() => handled === 3, { timeoutMs: 5000, what: 'the three messages handled' });
    expect(await lagOf('metrics-g')).toEqual({ [busy]: 0, [idle]: 0 });
  });

  it('stops observing a consumer once it stopped, and keeps observing the others', async () => {
    const first = await transport.consume({ group: 'metrics-stopped', topics: [TOPIC], onMessage: async () => undefined });
    await transport.consume({ group: 'metrics-running', topics: [TOPIC], onMessage: () => gate });
    expect(await lagOf('metrics-stopped')).toEqual({ 0: 0, 1: 0 });

    await first.stop();
    await transport.send([message('k', 1), message('k', 2)]);
    const partition = broker.messages(TOPIC)[0].partition;
    // Observed, the stopped group would show the two new messages on that partition, as the running one does.
    // Prometheus's reader keeps a series' last value once it is no longer observed (cumulative temporality):
    // the stopped group's series is either gone or frozen at what it was.
    expect(Object.values(await lagOf('metrics-stopped')).every((lag) => lag === 0)).toBe(true);
    expect((await lagOf('metrics-running'))[partition]).toBe(2);
  });
});
