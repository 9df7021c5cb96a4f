import { z } from 'zod';
import { defineEvent, dlqTopic, EventRegistry, type Topic } from '@latchkey/contracts';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { eventually, parseScrape } from '@latchkey/testing';
import { EventBus } from '../event-bus';
import { InProcessBroker } from '../in-process/in-process-broker';
import { InProcessTransport } from '../in-process/in-process-transport';
import { NonRetriableEventError } from './handler-errors';

const TOPIC = 'metrics.dead-letters';
const Ping = defineEvent({
  type: 'com.latchkey.test.metrics-ping.v1',
  topic: TOPIC as Topic,
  data: z.object({ key: z.string(), seq: z.number().int() }),
  key: (d) => d.key,
  subject: (d) => `${d.key}/${d.seq}`,
});

describe('dead letters (latchkey.dead_letters)', () => {
  let broker: InProcessBroker;
  let bus: EventBus;

  beforeEach(async () => {
    startTelemetry({ instrumentations: [] });
    broker = new InProcessBroker();
    bus = new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(broker), registry: new EventRegistry([Ping]) });
    await bus.connect();
  });

  afterEach(async () => {
    await bus.close();
    await shutdownTelemetry();
  });

  it('counts each dead letter once written, by source topic, group and reason code, for single and batch consumers', async () => {
    const refuse = async (event: { envelope: { data: unknown } }) => {
      if ((event.envelope.data as { seq: number }).seq === 2) throw new NonRetriableEventError('TEST.REFUSED', 'seq 2 never succeeds');
    };
    await bus.subscribe({ group: 'metrics-single', events: [Ping], handle: refuse });
    await bus.subscribeBatch({
      group: 'metrics-batch',
      events: [Ping],
      handleBatch: async (events) => Promise.all(events.map(refuse)).then(() => undefined),
    });

    await bus.publish(Ping, { key: 'k', seq: 1 });
    await bus.publish(Ping, { key: 'k', seq: 2 });
    await new InProcessTransport(broker).send([{ topic: TOPIC, key: 'k', value: Buffer.from('{not json'), headers: { ce_id: 'bad' } }]);
    // Each group dead-letters seq 2 and the unreadable message: four dead letters.
    await eventually(() => broker.messages(dlqTopic(TOPIC)).length === 4, { timeoutMs: 5000, what: 'four dead letters' });

    const scrape = parseScrape(await renderPrometheusMetrics());
    expect(scrape.families.get('latchkey_dead_letters_total')?.type).toBe('counter');
    const counted = scrape
      .samples('latchkey_dead_letters_total')
      .map((s): Record<string, string | number> => ({ ...s.labels, value: s.value }))
      .sort((a, b) => `${a['group']} ${a['code']}`.localeCompare(`${b['group']} ${b['code']}`));
    const scope = { otel_scope_name: '@latchkey/platform', topic: TOPIC };
    expect(counted).toEqual([
      { ...scope, group: 'metrics-batch', code: 'EVENT.UNREADABLE', value: 1 },
      { ...scope, group: 'metrics-batch', code: 'TEST.REFUSED', value: 1 },
      { ...scope, group: 'metrics-single', code: 'EVENT.UNREADABLE', value: 1 },
      { ...scope, group: 'metrics-single', code: 'TEST.REFUSED', value: 1 },
    ]);
  });

  it('does not count a dead letter that could not be written (the message is delivered again)', async () => {
    let calls = 0;
    await bus.subscribe({
      group: 'metrics-unwritable',
      events: [Ping],
      handle: async () => {
        // The first time, the broker goes away before the dead letter is written.
        if (++calls === 1) broker.stop();
        throw new NonRetriableEventError('TEST.REFUSED', 'never succeeds');
      },
    });
    await bus.publish(Ping, { key: 'k', seq: 1 });
    await eventually(() => calls === 1 && !broker.isAvailable(), { timeoutMs: 5000, what: 'the handler ran with the broker gone' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(parseScrape(await renderPrometheusMetrics()).total('latchkey_dead_letters_total', { group: 'metrics-unwritable' })).toBe(0);

    broker.start();
    await eventually(() => broker.messages(dlqTopic(TOPIC)).length === 1, { timeoutMs: 5000, what: 'the dead letter written' });
    expect(calls).toBe(2);
    expect(parseScrape(await renderPrometheusMetrics()).total('latchkey_dead_letters_total', { group: 'metrics-unwritable' })).toBe(1);
  });
});
