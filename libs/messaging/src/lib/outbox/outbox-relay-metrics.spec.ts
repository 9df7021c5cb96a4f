import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '@latchkey/persistence';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { eventually, parseScrape } from '@latchkey/testing';
import { EventBus } from '../event-bus';
import { InProcessBroker } from '../in-process/in-process-broker';
import { InProcessTransport } from '../in-process/in-process-transport';
import { OutboxRelay } from './outbox-relay';
import type { SqlRunner, TransactionalSql } from './sql';

/** The backlog query of OutboxRelay.backlog(), as the spy below recognises it. */
const BACKLOG_QUERY = /SELECT count\(\*\) AS count, min\(created_at\) AS oldest/;

/** `database`, counting the backlog queries it runs. */
function counting(database: Database): { db: TransactionalSql; backlogQueries: () => number } {
  let count = 0;
  const db: TransactionalSql = {
    query: (text, params) => {
      if (BACKLOG_QUERY.test(text)) count++;
      return database.query(text, params);
    },
    transaction: <T>(work: (tx: SqlRunner) => Promise<T>) => database.transaction(work),
  };
  return { db, backlogQueries: () => count };
}

async function createOutbox(database: Database, schema: string): Promise<void> {
  await database.query(`CREATE SCHEMA ${schema}`);
  await database.query(
    `CREATE TABLE ${schema}.outbox (id bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, topic text NOT NULL, partition_key text NOT NULL, envelope jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz, attempts integer NOT NULL DEFAULT 0, last_error text)`,
  );
}

/** An outbox row written `ageMs` ago (a valid envelope: the relay publishes it as it is). */
async function writeRow(database: Database, schema: string, ageMs: number): Promise<void> {
  const id = randomUUID();
  const envelope = { specversion: '1.0', id, source: '/latchkey/test', type: 'com.latchkey.test.metrics.v1', partitionkey: 'k', data: {} };
  await database.query(
    `INSERT INTO ${schema}.outbox (event_id, topic, partition_key, envelope, created_at) VALUES ($1, 'metrics.outbox', 'k', $2, now() - make_interval(secs => $3))`,
    [id, JSON.stringify(envelope), ageMs / 1000],
  );
}

describe('outbox gauges (latchkey.outbox.backlog, latchkey.outbox.oldest_age)', () => {
  let database: Database;
  let broker: InProcessBroker;
  let bus: EventBus;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await createOutbox(database, 'metrics_waiting');
    await createOutbox(database, 'metrics_empty');
    await createOutbox(database, 'metrics_stopped');
  }, 60000);

  afterAll(async () => {
    await database.close();
  });

  beforeEach(async () => {
    startTelemetry({ instrumentations: [] });
    broker = new InProcessBroker();
    bus = new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(broker) });
    await bus.connect();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await bus.close();
    await shutdownTelemetry();
  });

  function relay(db: TransactionalSql, schema: string): OutboxRelay {
    const started = new OutboxRelay(db, bus, { schema, pollIntervalMs: 20, maxBackoffMs: 50 });
    relays.push(started);
    started.start();
    return started;
  }

  async function gauges(): Promise<Record<string, { backlog: number[]; oldestAge: number[] }>> {
    const scrape = parseScrape(await renderPrometheusMetrics());
    const bySchema = (name: string, schema: string) => scrape.samples(name, { schema }).map((s) => s.value);
    return Object.fromEntries(
      ['metrics_waiting', 'metrics_empty', 'metrics_stopped'].map((schema) => [
        schema,
        { backlog: bySchema('latchkey_outbox_backlog', schema), oldestAge: bySchema('latchkey_outbox_oldest_age', schema) },
      ]),
    );
  }

  it('reports, per schema, the unpublished rows and the age of the oldest, with one query per relay and scrape', async () => {
    // The broker is down: the relay cannot publish, the rows wait.
    broker.stop();
    await writeRow(database, 'metrics_waiting', 90_000);
    await writeRow(database, 'metrics_waiting', 5_000);
    const waiting = counting(database);
    const empty = counting(database);
    relay(waiting.db, 'metrics_waiting');
    relay(empty.db, 'metrics_empty');

    const before = [waiting.backlogQueries(), empty.backlogQueries()];
    const seen = await gauges();
    expect([waiting.backlogQueries(), empty.backlogQueries()]).toEqual([before[0] + 1, before[1] + 1]);
    expect(seen['metrics_waiting'].backlog).toEqual([2]);
    expect(seen['metrics_waiting'].oldestAge).toHaveLength(1);
    expect(seen['metrics_waiting'].oldestAge[0]).toBeGreaterThanOrEqual(90_000);
    expect(seen['metrics_waiting'].oldestAge[0]).toBeLessThan(120_000);
    expect(seen['metrics_empty']).toEqual({ backlog: [0], oldestAge: [0] });

    // The broker is back: the relay publishes both rows, nothing waits any more.
    broker.start();
    await eventually(async () => (await gauges())['metrics_waiting'].backlog[0] === 0, { timeoutMs: 5000, what: 'the outbox drained' });
    expect((await gauges())['metrics_waiting']).toEqual({ backlog: [0], oldestAge: [0] });
  });

  it('stops asking a relay once it stopped', async () => {
    broker.stop();
    await writeRow(database, 'metrics_stopped', 1_000);
    const spy = counting(database);
    const stopped = relay(spy.db, 'metrics_stopped');
    expect((await gauges())['metrics_stopped'].backlog).toEqual([1]);

    await stopped.stop();
    await writeRow(database, 'metrics_stopped', 1_000);
    const queries = spy.backlogQueries();
    // Prometheus's reader keeps a series' last value once it is no longer observed: gone or frozen at 1, never 2.
    expect((await gauges())['metrics_stopped'].backlog.every((count) => count === 1)).toBe(true);
    expect(spy.backlogQueries()).toBe(queries);
  });
});
