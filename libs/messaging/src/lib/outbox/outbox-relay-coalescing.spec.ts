import { EventBus } from '../event-bus';
import { InProcessBroker } from '../in-process/in-process-broker';
import { InProcessTransport } from '../in-process/in-process-transport';
import { OutboxRelay, RELAY_COALESCE_MS } from './outbox-relay';
import type { SqlRunner, TransactionalSql } from './sql';

/**
 * An outbox in memory that answers the relay's statements (the idle probe,
 * claim a batch, mark it published) and counts the passes that published
 * something, the transactions and the probes: enough to see how the relay
 * paces itself, with no database.
 */
function memoryOutbox() {
  const rows: { id: number; topic: string; envelope: object; published: boolean }[] = [];
  let passes = 0;
  let transactions = 0;
  let probes = 0;
  const runner: SqlRunner = {
    query: async <R>(text: string, params: readonly unknown[] = []): Promise<R[]> => {
      if (text.startsWith('SELECT 1 FROM')) {
        probes++;
        return rows.filter((r) => !r.published).slice(0, 1) as unknown as R[];
      }
      if (text.startsWith('SELECT id, topic, envelope')) {
        return rows.filter((r) => !r.published).slice(0, Number(params[0])) as unknown as R[];
      }
      if (text.startsWith('UPDATE') && text.includes('published_at = now()')) {
        const ids = new Set((params[0] as string[]).map(Number));
        for (const r of rows) if (ids.has(r.id)) r.published = true;
        passes++;
        return [];
      }
      return [];
    },
  };
  const db: TransactionalSql = {
    query: runner.query,
    transaction: (work) => {
      transactions++;
      return work(runner);
    },
  };
  const write = (): void => {
    const id = rows.length + 1;
    rows.push({
      id,
      topic: 'test.relay',
      envelope: { specversion: '1.0', id: `e${id}`, source: '/t', type: 'com.latchkey.test.v1', partitionkey: 'k', data: {} },
      published: false,
    });
  };
  return {
    db,
    write,
    passes: () => passes,
    transactions: () => transactions,
    probes: () => probes,
    unpublished: () => rows.filter((r) => !r.published).length,
    written: () => rows.length,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OutboxRelay pacing under a steady stream of writes', () => {
  const bus = () => new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) });

  it(`waits ${RELAY_COALESCE_MS} ms after a partial batch, so rows written meanwhile share a pass (a transaction)`, async () => {
    const outbox = memoryOutbox();
    const relay = new OutboxRelay(outbox.db, bus(), { schema: 'test', pollIntervalMs: 50 });
    relay.start();
    // A row a millisecond, each with the writer's nudge, for 200 ms.
    const writer = setInterval(() => {
      outbox.write();
      relay.nudge();
    }, 1);
    await sleep(200);
    clearInterval(writer);
    await sleep(4 * RELAY_COALESCE_MS + 20);
    await relay.stop();

    expect(outbox.unpublished()).toBe(0);
    // Without the pause every pass would find the one row written since the previous pass.
    expect(outbox.written() / outbox.passes()).toBeGreaterThanOrEqual(2);
  });

  it('runs the next pass at once after a full batch', async () => {
    const outbox = memoryOutbox();
    for (let i = 0; i < 250; i++) outbox.write();
    const relay = new OutboxRelay(outbox.db, bus(), { schema: 'test', batchSize: 100, coalesceMs: 10_000 });
    relay.start();
    await sleep(100);
    expect(outbox.unpublished()).toBe(0); // 100, 100, then the partial 50 before any pause
    await relay.stop();
  });

  it('stops during a pause without waiting it out', async () => {
    const outbox = memoryOutbox();
    outbox.write();
    const relay = new OutboxRelay(outbox.db, bus(), { schema: 'test', coalesceMs: 10_000 });
    relay.start();
    await sleep(50);
    const stopping = Date.now();
    await relay.stop();
    expect(Date.now() - stopping).toBeLessThan(1000);
  });
});

describe('OutboxRelay when idle', () => {
  const bus = () => new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) });

  it('polls with one probe statement and opens no transaction while nothing waits', async () => {
    const outbox = memoryOutbox();
    const relay = new OutboxRelay(outbox.db, bus(), { schema: 'test', pollIntervalMs: 10 });
    relay.start();
    await sleep(200);
    await relay.stop();
    expect(outbox.probes()).toBeGreaterThanOrEqual(5);
    expect(outbox.transactions()).toBe(1); // the first pass, before the relay knew it was idle
  });

  it('publishes a row written without a nudge (another replica, a crash) at the next poll', async () => {
    const outbox = memoryOutbox();
    const relay = new OutboxRelay(outbox.db, bus(), { schema: 'test', pollIntervalMs: 10 });
    relay.start();
    await sleep(50);
    outbox.write();
    await sleep(60);
    expect(outbox.unpublished()).toBe(0);
    await relay.stop();
  });

  it('skips the probe after a nudge and claims at once', async () => {
    const outbox = memoryOutbox();
    const relay = new OutboxRelay(outbox.db, bus(), { schema: 'test', pollIntervalMs: 10_000 });
    relay.start();
    await sleep(20);
    const probes = outbox.probes();
    outbox.write();
    relay.nudge();
    await sleep(20);
    expect(outbox.unpublished()).toBe(0);
    expect(outbox.probes()).toBe(probes);
    await relay.stop();
  });
});
