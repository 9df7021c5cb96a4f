import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineEvent, dlqTopic, EventRegistry, type Topic } from '@latchkey/contracts';
import { eventually } from '@latchkey/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventBus } from '../src/lib/event-bus';
import { isEvent, type ReceivedEvent } from '../src/lib/consumer/consumer-pipeline';
import { DlqHeaders } from '../src/lib/consumer/dead-letter';
import { NonRetriableEventError } from '../src/lib/consumer/handler-errors';
import { Inbox } from '../src/lib/outbox/inbox';
import { OutboxRelay } from '../src/lib/outbox/outbox-relay';
import { OutboxWriter } from '../src/lib/outbox/outbox-writer';
import type { TransactionalSql } from '../src/lib/outbox/sql';
import type { DeliveredMessage, Transport } from '../src/lib/transport/transport';

/** What a transport under test must provide to the shared suite. */
export interface ContractFixture {
  /** A new transport connected to the broker under test. */
  newTransport(): Transport;
  /** Takes the broker away and brings it back (a real process for Kafka). */
  stopBroker(): Promise<void>;
  startBroker(): Promise<void>;
  /** A database for the outbox and inbox cases (PGlite or PostgreSQL). */
  database(): TransactionalSql;
  /** Generous for Kafka group joins; small for in-process. */
  readonly timeoutMs: number;
  /** Wall-clock gap between the old and the recent events of the rewind case: longer than a group join takes. */
  readonly rewindGapMs: number;
}

/** A per-test event contract on a per-test topic, as STYLE.md asks of Kafka tests. */
function pingContract() {
  const topic = `test.ping.${randomUUID().slice(0, 8)}`;
  const Ping = defineEvent({
    type: 'com.latchkey.test.ping.v1',
    topic: topic as Topic,
    data: z.object({ key: z.string(), seq: z.number().int() }),
    key: (d) => d.key,
    subject: (d) => `${d.key}/${d.seq}`,
  });
  return { topic, Ping, registry: new EventRegistry([Ping]) };
}

/**
 * The messaging contract: the observable semantics both transports promise.
 * Run by a unit spec (in-process) and an integration spec (real Kafka).
 */
export function describeEventBusContract(name: string, fixture: () => ContractFixture): void {
  describe(`EventBus contract (${name})`, () => {
    const opened: { close(): Promise<void> }[] = [];

    async function newBus(registry: EventRegistry, topic: string): Promise<EventBus> {
      const transport = fixture().newTransport();
      const bus = new EventBus({ source: '/latchkey/test', transport, registry, sendTimeoutMs: 4000 });
      await bus.connect();
      await transport.ensureTopics([{ name: topic }, { name: dlqTopic(topic) }]);
      opened.push(bus);
      return bus;
    }

    /** Collects every message of the dead-letter topic through a raw consumer. */
    async function readDeadLetters(topic: string): Promise<DeliveredMessage[]> {
      const seen: DeliveredMessage[] = [];
      const transport = fixture().newTransport();
      await transport.connect();
      opened.push(transport);
      await transport.consume({
        group: `dlq-reader-${randomUUID()}`,
        topics: [dlqTopic(topic)],
        onMessage: async (m) => void seen.push(m),
      });
      return seen;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((c) => c.close()));
    });

    it('delivers the events of one key in the order they were published', async () => {
      const { topic, Ping, registry } = pingContract();
      const bus = await newBus(registry, topic);
      const seen = new Map<string, number[]>();
      await bus.subscribe({
        group: `order-${randomUUID()}`,
        events: [Ping],
        handle: async (e) => {
          if (!isEvent(e, Ping)) return;
          seen.set(e.envelope.data.key, [...(seen.get(e.envelope.data.key) ?? []), e.envelope.data.seq]);
        },
      });
      const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
      const total = 40;
      for (let seq = 0; seq < total; seq += 8) {
        await bus.publishEnvelopes(
          Array.from({ length: 8 }, (_, i) => ({
            topic,
            envelope: bus.envelope(Ping, { key: keys[(seq + i) % keys.length], seq: seq + i }),
          })),
        );
      }
      await eventually(() => [...seen.values()].flat().length >= total, { timeoutMs: fixture().timeoutMs, what: 'all events' });
      for (const [key, seqs] of seen) {
        expect({ key, seqs }).toEqual({ key, seqs: [...seqs].sort((a, b) => a - b) });
      }
      expect(new Set([...seen.values()].flat()).size).toBe(total);
    });

    it('gives every event to each of two consumer groups', async () => {
      const { topic, Ping, registry } = pingContract();
      const bus = await newBus(registry, topic);
      const a: number[] = [];
      const b: number[] = [];
      const collect = (into: number[]) => async (e: ReceivedEvent) => {
        if (isEvent(e, Ping)) into.push(e.envelope.data.seq);
      };
      await bus.subscribe({ group: `group-a-${randomUUID()}`, events: [Ping], handle: collect(a) });
      await bus.subscribe({ group: `group-b-${randomUUID()}`, events: [Ping], handle: collect(b) });
      for (let seq = 0; seq < 10; seq++) await bus.publish(Ping, { key: `k${seq % 3}`, seq });
      await eventually(() => a.length >= 10 && b.length >= 10, { timeoutMs: fixture().timeoutMs, what: 'both groups' });
      expect(new Set(a)).toEqual(new Set(b));
      expect(new Set(a).size).toBe(10);
    });

    it('redelivers to a throwing handler, which then succeeds without a dead letter', async () => {
      const { topic, Ping, registry } = pingContract();
      const bus = await newBus(registry, topic);
      const attempts: number[] = [];
      await bus.subscribe({
        group: `flaky-${randomUUID()}`,
        events: [Ping],
        initialBackoffMs: 10,
        handle: async (e) => {
          attempts.push(e.attempt);
          if (e.attempt < 2) throw new Error('transient failure');
        },
      });
      const deadLetters = await readDeadLetters(topic);
      await bus.publish(Ping, { key: 'k', seq: 1 });
      await eventually(() => attempts.length >= 2, { timeoutMs: fixture().timeoutMs, what: 'second attempt' });
      expect(attempts).toEqual([1, 2]);
      expect(deadLetters).toHaveLength(0);
    });

    it('dead-letters an event with the reason after the handler failed maxAttempts times', async () => {
      const { topic, Ping, registry } = pingContract();
      const bus = await newBus(registry, topic);
      let calls = 0;
      const handled: number[] = [];
      await bus.subscribe({
        group: `failing-${randomUUID()}`,
        events: [Ping],
        maxAttempts: 3,
        initialBackoffMs: 10,
        handle: async (e) => {
          if (!isEvent(e, Ping)) return;
          if (e.envelope.data.seq === 1) {
            calls++;
            throw new Error('downstream refused');
          }
          handled.push(e.envelope.data.seq);
        },
      });
      const deadLetters = await readDeadLetters(topic);
      const poisoned = await bus.publish(Ping, { key: 'k', seq: 1 });
      await bus.publish(Ping, { key: 'k', seq: 2 });
      await eventually(() => deadLetters.length === 1 && handled.length === 1, { timeoutMs: fixture().timeoutMs, what: 'dead letter' });
      expect(calls).toBe(3);
      expect(handled).toEqual([2]); // the partition moved on past the dead letter
      const [letter] = deadLetters;
      expect(letter.headers[DlqHeaders.code]).toBe('EVENT.HANDLER_FAILED');
      expect(letter.headers[DlqHeaders.reason]).toBe('failed after 3 attempts: downstream refused');
      expect(letter.headers['ce_id']).toBe(poisoned.id);
      expect(letter.headers[DlqHeaders.sourceTopic]).toBe(topic);
    });

    it('dead-letters an invalid payload at once, without calling the handler', async () => {
      const { topic, Ping, registry } = pingContract();
      const bus = await newBus(registry, topic);
      const handled: string[] = [];
      await bus.subscribe({ group: `strict-${randomUUID()}`, events: [Ping], handle: async (e) => void handled.push(e.envelope.id) });
      const deadLetters = await readDeadLetters(topic);
      const valid = bus.envelope(Ping, { key: 'k', seq: 1 });
      const transport = fixture().newTransport();
      await transport.connect();
      opened.push(transport);
      const headers = {
        'content-type': 'application/json',
        ce_specversion: '1.0',
        ce_id: 'bad-1',
        ce_type: Ping.type,
        ce_source: '/x',
        ce_time: valid.time,
        ce_partitionkey: 'k',
      };
      await transport.send(
        [
          { topic, key: 'k', value: Buffer.from(JSON.stringify({ key: 'k', seq: 'not-a-number', secret: 'hunter2' })), headers },
          { topic, key: 'k', value: Buffer.from('{not json'), headers: { ...headers, ce_id: 'bad-2' } },
        ],
        4000,
      );
      await bus.publishEnvelopes([{ topic, envelope: valid }]);
      await eventually(() => deadLetters.length === 2 && handled.length === 1, { timeoutMs: fixture().timeoutMs, what: 'two dead letters' });
      const byId = new Map(deadLetters.map((d) => [d.headers['ce_id'], d]));
      expect(byId.get('bad-1')?.headers[DlqHeaders.code]).toBe('EVENT.DATA_INVALID');
      expect(byId.get('bad-1')?.headers[DlqHeaders.reason]).not.toContain('hunter2');
      expect(byId.get('bad-2')?.headers[DlqHeaders.code]).toBe('EVENT.UNREADABLE');
      expect(handled).toEqual([valid.id]);
    });

    it('hands a batch consumer bounded batches in per-key order, and delivers a rejected batch again', async () => {
      const { topic, Ping, registry } = pingContract();
      const bus = await newBus(registry, topic);
      // Published before the group subscribes, so the first fetch finds many and must cut them into batches.
      await bus.publishEnvelopes(Array.from({ length: 40 }, (_, seq) => ({ topic, envelope: bus.envelope(Ping, { key: `k${seq % 2}`, seq }) })));
      const sizes: number[] = [];
      const seen = new Map<string, number[]>();
      let rejected = false;
      await bus.subscribeBatch({
        group: `batch-${randomUUID()}`,
        events: [Ping],
        maxBatchSize: 7,
        initialBackoffMs: 10,
        handleBatch: async (events) => {
          sizes.push(events.length);
          if (!rejected) {
            rejected = true;
            throw new Error('transient failure');
          }
          for (const e of events)
            if (isEvent(e, Ping)) seen.set(e.envelope.data.key, [...(seen.get(e.envelope.data.key) ?? []), e.envelope.data.seq]);
        },
      });
      const deadLetters = await readDeadLetters(topic);
      await eventually(() => [...seen.values()].flat().length >= 40, { timeoutMs: fixture().timeoutMs, what: 'all 40 events' });
      expect(seen.get('k0')).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
      expect(seen.get('k1')).toEqual(Array.from({ length: 20 }, (_, i) => i * 2 + 1));
      expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
      expect(sizes.some((n) => n > 1)).toBe(true);
      expect(deadLetters).toHaveLength(0);
    });

    it('splits a batch that keeps failing, so only the event that cannot be handled is dead-lettered', async () => {
      const { topic, Ping, registry } = pingContract();
      const bus = await newBus(registry, topic);
      const envelopes = Array.from({ length: 10 }, (_, seq) => bus.envelope(Ping, { key: 'k', seq }));
      await bus.publishEnvelopes(envelopes.map((envelope) => ({ topic, envelope })));
      const handled: number[] = [];
      let wholeBatchesWithPoison = 0;
      await bus.subscribeBatch({
        group: `poison-${randomUUID()}`,
        events: [Ping],
        maxAttempts: 2,
        initialBackoffMs: 10,
        handleBatch: async (events) => {
          const seqs = events.map((e) => (isEvent(e, Ping) ? e.envelope.data.seq : -1));
          if (seqs.includes(4) && seqs.length > 1) wholeBatchesWithPoison++;
          // All or nothing, like a database transaction: one bad row fails the batch.
          if (seqs.includes(4)) throw new NonRetriableEventError('EVENT.TEST_POISON', 'seq 4 cannot be stored');
          handled.push(...seqs);
        },
      });
      const deadLetters = await readDeadLetters(topic);
      await eventually(() => deadLetters.length === 1 && handled.length === 9, {
        timeoutMs: fixture().timeoutMs,
        what: 'nine handled, one dead letter',
      });
      expect(handled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
      expect(deadLetters[0].headers['ce_id']).toBe(envelopes[4].id);
      expect(deadLetters[0].headers[DlqHeaders.code]).toBe('EVENT.TEST_POISON');
      // A non-retriable failure splits the batch at once, without retrying it whole.
      expect(wholeBatchesWithPoison).toBe(1);
    });

    it('resumes a consumer group stopped mid-stream without losing an event', async () => {
      const { topic, Ping, registry } = pingContract();
      const bus = await newBus(registry, topic);
      const group = `resume-${randomUUID()}`;
      const seen = new Set<number>();
      const handle = async (e: ReceivedEvent) => {
        if (isEvent(e, Ping)) seen.add(e.envelope.data.seq);
      };
      const first = await bus.subscribe({ group, events: [Ping], handle });
      for (let seq = 0; seq < 10; seq++) await bus.publish(Ping, { key: `k${seq % 2}`, seq });
      await eventually(() => seen.size >= 3, { timeoutMs: fixture().timeoutMs, what: 'first events' });
      await first.stop();
      for (let seq = 10; seq < 20; seq++) await bus.publish(Ping, { key: `k${seq % 2}`, seq });
      const bus2 = await newBus(registry, topic);
      await bus2.subscribe({ group, events: [Ping], handle });
      await eventually(() => seen.size === 20, { timeoutMs: fixture().timeoutMs, what: 'all 20 events after resume' });
    });

    it('rewinds a restarted group to the events of the last rewindMs (not older ones), and without it resumes after its commit', async () => {
      const { topic, Ping, registry } = pingContract();
      const bus = await newBus(registry, topic);
      const group = `rewind-${randomUUID()}`;
      // One key, so one partition: "event n arrived" then means every earlier event of the stream arrived before it.
      const publish = (seqs: number[]) => bus.publishEnvelopes(seqs.map((seq) => ({ topic, envelope: bus.envelope(Ping, { key: 'k', seq }) })));
      const collector = () => {
        const seen: { seq: number; replay: boolean }[] = [];
        const handle = async (e: ReceivedEvent) => {
          if (isEvent(e, Ping)) seen.push({ seq: e.envelope.data.seq, replay: e.replay === true });
        };
        return { seen, handle, handleBatch: async (events: readonly ReceivedEvent[]) => void (await Promise.all(events.map(handle))) };
      };
      const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
      const arrived = (seen: { seq: number }[], seq: number) =>
        eventually(() => seen.some((s) => s.seq === seq), { timeoutMs: fixture().timeoutMs, what: `event ${seq}` });

      await publish(range(0, 5));
      const oldEnd = Date.now();
      await sleep(fixture().rewindGapMs);
      await publish(range(6, 11));
      // The cut-off, now − rewindMs at the group join, falls after the old events and (the join taking less
      // than rewindGapMs) before the recent ones.
      const rewindMs = () => Date.now() - oldEnd - 1;

      const first = collector();
      const firstHandle = await bus.subscribe({ group, events: [Ping], handle: first.handle });
      await arrived(first.seen, 11);
      await firstHandle.stop();
      expect(first.seen.map((s) => s.seq)).toEqual(range(0, 11));

      // Without rewindMs: the group resumes after its last commit, so only the new event arrives.
      const plain = collector();
      const plainHandle = await bus.subscribe({ group, events: [Ping], handle: plain.handle });
      await publish([12]);
      await arrived(plain.seen, 12);
      await plainHandle.stop();
      expect(plain.seen).toEqual([{ seq: 12, replay: false }]);

      // With it, one at a time: the recent events again, marked as replays, then the new one, not a replay.
      const single = collector();
      const singleHandle = await bus.subscribe({ group, events: [Ping], handle: single.handle, rewindMs: rewindMs() });
      await publish([13]);
      await arrived(single.seen, 13);
      await singleHandle.stop();
      expect(single.seen).toEqual([...range(6, 12).map((seq) => ({ seq, replay: true })), { seq: 13, replay: false }]);

      // The same in batches; the replays moved no commit back, so 13 is a replay now and 14 is new.
      const batched = collector();
      const batchHandle = await bus.subscribeBatch({
        group,
        events: [Ping],
        handleBatch: batched.handleBatch,
        maxBatchSize: 3,
        rewindMs: rewindMs(),
      });
      await publish([14]);
      await arrived(batched.seen, 14);
      await batchHandle.stop();
      expect(batched.seen).toEqual([...range(6, 13).map((seq) => ({ seq, replay: true })), { seq: 14, replay: false }]);
      expect(await bus.progress(group, topic)).toContainEqual(expect.objectContaining({ committed: 15n, end: 15n }));
    });

    it('publishes outbox rows written while the broker was down, each stored once by an idempotent consumer', async () => {
      const { topic, Ping, registry } = pingContract();
      const db = fixture().database();
      const schema = `contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await db.query(`CREATE SCHEMA ${schema}`);
      await db.query(
        `CREATE TABLE ${schema}.outbox (id bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, topic text NOT NULL, partition_key text NOT NULL, envelope jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz, attempts integer NOT NULL DEFAULT 0, last_error text)`,
      );
      await db.query(
        `CREATE TABLE ${schema}.inbox (consumer text NOT NULL, event_id text NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer, event_id))`,
      );
      await db.query(`CREATE TABLE ${schema}.received (event_id text NOT NULL, seq integer NOT NULL)`);
      try {
        const bus = await newBus(registry, topic);
        const writer = new OutboxWriter(bus, schema);
        const relay = new OutboxRelay(db, bus, { schema, pollIntervalMs: 50, maxBackoffMs: 500 });

        await fixture().stopBroker();
        for (let seq = 0; seq < 5; seq++) {
          await db.transaction((tx) => writer.write(tx, Ping, { key: `k${seq % 3}`, seq }));
        }
        // The rest as one group-committed batch: prepared first, written by one multi-row INSERT.
        const batch = [5, 6, 7, 8, 9].map((seq) => writer.prepare(Ping, { key: `k${seq % 3}`, seq }));
        await db.transaction((tx) => writer.insert(tx, batch));
        const order = await db.query<{ envelope: unknown }>(`SELECT envelope FROM ${schema}.outbox ORDER BY id`);
        expect(order.map((r) => (typeof r.envelope === 'string' ? JSON.parse(r.envelope) : r.envelope).data.seq)).toEqual([
          0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
        ]);
        await expect(relay.relayOnce()).rejects.toThrow();
        const [pending] = await db.query<{ n: string | number; attempts: string | number }>(
          `SELECT count(*) AS n, min(attempts) AS attempts FROM ${schema}.outbox WHERE published_at IS NULL`,
        );
        expect(Number(pending.n)).toBe(10);
        expect(Number(pending.attempts)).toBeGreaterThanOrEqual(1);

        await fixture().startBroker();
        relay.start();
        opened.push({ close: () => relay.stop() });
        await eventually(async () => (await relay.backlog()).count === 0, { timeoutMs: fixture().timeoutMs * 2, what: 'outbox drained' });

        // Simulate the relay's at-least-once edge: the same envelopes published again.
        const rows = await db.query<{ envelope: unknown }>(`SELECT envelope FROM ${schema}.outbox ORDER BY id LIMIT 3`);
        await bus.publishEnvelopes(
          rows.map((r) => ({ topic, envelope: (typeof r.envelope === 'string' ? JSON.parse(r.envelope) : r.envelope) as never })),
        );

        const group = `idempotent-${randomUUID()}`;
        const inbox = new Inbox(schema, group);
        let deliveries = 0;
        await bus.subscribe({
          group,
          events: [Ping],
          handle: async (e) => {
            if (!isEvent(e, Ping)) return;
            deliveries++;
            await db.transaction(async (tx) => {
              if (!(await inbox.claim(tx, e.envelope.id))) return;
              await tx.query(`INSERT INTO ${schema}.received (event_id, seq) VALUES ($1, $2)`, [e.envelope.id, e.envelope.data.seq]);
            });
          },
        });
        await eventually(() => deliveries >= 13, { timeoutMs: fixture().timeoutMs, what: '13 deliveries' });
        const stored = await db.query<{ n: string | number; distinct_ids: string | number }>(
          `SELECT count(*) AS n, count(DISTINCT event_id) AS distinct_ids FROM ${schema}.received`,
        );
        expect(Number(stored[0].n)).toBe(10);
        expect(Number(stored[0].distinct_ids)).toBe(10);
      } finally {
        await fixture().startBroker();
        await db.query(`DROP SCHEMA ${schema} CASCADE`);
      }
    });
  });
}
