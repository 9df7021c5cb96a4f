import { randomUUID } from 'node:crypto';
import { dlqTopic, LatUsedV1 } from '@latchkey/contracts';
import { DlqHeaders, KafkaTransport, type DeliveredMessage } from '@latchkey/messaging';
import { eventually } from '@latchkey/testing';
import { describeFault, sleep } from './support/fault-case';

/** The event's id: how its dead-letter copy is found on the DLQ topic. */
const INJECTED_ID = `faults-invalid-${randomUUID()}`;
let servedBeforeInjection = 0;

/**
 * A schema-invalid event injected into `lat.used` under load: well-formed (a binary-mode CloudEvent of the right
 * type, JSON data) but not a `lat.used` (its data lacks every required field and has a number for the jti). The
 * audit's ingest must put it on `lat.used.dlq` with a reason, never in the chain, and go on: every use served after
 * it is stored like those before it (the reconciliation checks every one).
 */
describeFault({
  name: 'a schema-invalid event injected into lat.used',
  injectMs: 30_000,
  async inject({ fleet, load, note }) {
    servedBeforeInjection = load.served;
    const transport = new KafkaTransport({ brokers: fleet.broker.brokers, clientId: 'faults-injector' });
    await transport.connect();
    try {
      await transport.send(
        [
          {
            topic: LatUsedV1.topic,
            key: 'faults-injected',
            value: Buffer.from(JSON.stringify({ jti: 42, note: 'not a lat.used' })),
            headers: {
              ce_specversion: '1.0',
              ce_id: INJECTED_ID,
              ce_type: LatUsedV1.type,
              ce_source: 'urn:latchkey:faults',
              ce_time: new Date().toISOString(),
              'content-type': 'application/json',
            },
          },
        ],
        10_000,
      );
    } finally {
      await transport.close();
    }
    note(`schema-invalid event ${INJECTED_ID} sent to ${LatUsedV1.topic}`);
    // The load runs on past the injection before the runner's own tail: uses the consumer must take after it.
    await sleep(5_000);
  },
  async verify({ fleet, load }, ledger) {
    expect(ledger.served.length).toBeGreaterThan(servedBeforeInjection + 20);
    expect(load.served).toBe(ledger.served.length);
    // Its dead-letter copy on lat.used.dlq, read as any operator's tool would, with why and by whom.
    const reader = new KafkaTransport({ brokers: fleet.broker.brokers, clientId: 'faults-dlq-reader' });
    await reader.connect();
    const letters: DeliveredMessage[] = [];
    const consumer = await reader.consume({
      group: `faults-dlq-${randomUUID()}`,
      topics: [dlqTopic(LatUsedV1.topic)],
      onMessage: async (message) => void letters.push(message),
    });
    try {
      const letter = await eventually(() => letters.find((m) => m.headers['ce_id'] === INJECTED_ID) ?? false, {
        timeoutMs: 30_000,
        what: 'the injected event on lat.used.dlq',
      });
      expect(letter.headers).toMatchObject({ [DlqHeaders.sourceTopic]: LatUsedV1.topic, [DlqHeaders.group]: 'audit.ingest' });
      expect(letter.headers[DlqHeaders.code]).toMatch(/^EVENT\./);
      expect(String(letter.headers[DlqHeaders.reason]).length).toBeGreaterThan(10);
      expect(letters.filter((m) => m.headers['ce_id'] === INJECTED_ID)).toHaveLength(1);
    } finally {
      await consumer.stop();
      await reader.close();
    }
    // Never in the chain.
    const store = fleet.auditStore;
    expect(await store?.query('SELECT 1 FROM audit.events WHERE event_id = $1', [INJECTED_ID])).toEqual([]);
  },
});
