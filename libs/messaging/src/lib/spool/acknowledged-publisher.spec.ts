import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatUsedV1, LatchkeyError } from '@latchkey/contracts';
import { aLatUsed, aResourceId } from '@latchkey/contracts/testing';
import { EventBus } from '../event-bus';
import { BrokerUnavailableError, InProcessBroker } from '../in-process/in-process-broker';
import { InProcessTransport } from '../in-process/in-process-transport';
import type { TransportMessage } from '../transport/transport';
import { AcknowledgedPublisher, type AcknowledgedPublisherOptions } from './acknowledged-publisher';
import { DurableSpool } from './durable-spool';
import { SpoolDrainer } from './spool-drainer';
import { PublishRefusedError } from './spool.errors';
import type { SpooledEvent } from './spool-record';

/** A promise settled from outside: lets a test hold a send in flight. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The value, or a failed test when it is missing. */
function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe(AcknowledgedPublisher.name, () => {
  let root: string;
  let broker: InProcessBroker;
  let transport: InProcessTransport;
  let bus: EventBus;
  const closing: (() => Promise<void>)[] = [];
  const log = jest.fn();

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'latchkey-publisher-'));
    broker = new InProcessBroker();
    transport = new InProcessTransport(broker);
    bus = new EventBus({ source: '/latchkey/face-api', transport });
    await bus.connect();
    log.mockReset();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    for (const close of closing.splice(0).reverse()) await close();
    await bus.close();
    await rm(root, { recursive: true, force: true });
  });

  async function setUp(options: AcknowledgedPublisherOptions & { readonly maxBytes?: number | null } = {}) {
    const { maxBytes = 1024 * 1024, ...publisherOptions } = options;
    const spool = maxBytes === null ? null : await DurableSpool.open({ dir: join(root, 'spool'), maxBytes });
    const drainer = spool ? new SpoolDrainer(bus, spool) : null;
    const publisher = new AcknowledgedPublisher(bus, spool, drainer, { log, ...publisherOptions });
    closing.push(() => publisher.close());
    return { spool, drainer, publisher };
  }

  /** Event ids on the bus in partition order (one resource: one partition, so publish order). */
  function idsOnBus(): string[] {
    return broker.messages(LatUsedV1.topic).map((m) => m.headers['ce_id'] ?? '');
  }

  async function spooledRecords(): Promise<SpooledEvent[]> {
    const dir = join(root, 'spool');
    const files = (await readdir(dir)).sort();
    const lines = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('').trimEnd().split('\n');
    return lines.filter((l) => l !== '').map((l) => JSON.parse(l) as SpooledEvent);
  }

  it('sends events published together in one batch and resolves each once the bus acknowledged it', async () => {
    const { publisher } = await setUp();
    const send = jest.spyOn(transport, 'send');

    const receipts = await Promise.all(Array.from({ length: 50 }, () => publisher.publish(LatUsedV1, aLatUsed())));

    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]?.[0]).toHaveLength(50);
    expect(receipts.every((r) => r.via === 'bus')).toBe(true);
    expect(new Set(idsOnBus())).toEqual(new Set(receipts.map((r) => r.id)));
  });

  it('keeps at most `concurrency` batches in flight, each of at most `maxBatch` events', async () => {
    const { publisher } = await setUp({ maxBatch: 40, concurrency: 2 });
    const send = transport.send.bind(transport);
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    jest.spyOn(transport, 'send').mockImplementation(async (messages: readonly TransportMessage[]) => {
      sizes.push(messages.length);
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      await send(messages);
    });

    await Promise.all(Array.from({ length: 200 }, () => publisher.publish(LatUsedV1, aLatUsed())));

    expect(most).toBe(2);
    expect(Math.max(...sizes)).toBe(40);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('does not resolve before the bus acknowledged', async () => {
    const { publisher } = await setUp();
    const ack = deferred();
    jest.spyOn(transport, 'send').mockImplementationOnce(() => ack.promise);
    let settled = false;

    const publishing = publisher.publish(LatUsedV1, aLatUsed()).finally(() => (settled = true));
    await turn();
    await turn();
    expect(settled).toBe(false);

    ack.resolve();
    await expect(publishing).resolves.toMatchObject({ via: 'bus' });
  });

  it('spools a batch the bus refused, with one write and one flush, and resolves once it is on disk', async () => {
    const { publisher, spool } = await setUp();
    broker.stop();

    const receipts = await Promise.all([1, 2, 3].map(() => publisher.publish(LatUsedV1, aLatUsed())));

    expect(receipts.map((r) => r.via)).toEqual(['spool', 'spool', 'spool']);
    const records = await spooledRecords();
    expect(records.map((r) => r.topic)).toEqual(['lat.used', 'lat.used', 'lat.used']);
    expect(records.map((r) => r.envelope.id)).toEqual(receipts.map((r) => r.id));
    expect(spool?.stats()).toMatchObject({ pendingEvents: 3, appends: 1 });
    expect(publisher.health()).toMatchObject({ mode: 'spool', pendingEvents: 3, refused: 0 });
    expect(log).toHaveBeenCalledWith('warn', 'events go to the local spool until it is drained', {
      why: 'the bus did not acknowledge',
      error: 'in-process broker is unavailable',
    });
  });

  it('spools a batch the bus did not acknowledge within the deadline', async () => {
    const { publisher } = await setUp({ deadlineMs: 50 });
    jest.spyOn(transport, 'send').mockImplementationOnce(() => new Promise<void>(() => undefined));
    const started = Date.now();

    const receipt = await publisher.publish(LatUsedV1, aLatUsed());

    expect(receipt.via).toBe('spool');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect((await spooledRecords()).map((r) => r.envelope.id)).toEqual([receipt.id]);
  });

  it('refuses with MESSAGING.UNRECORDABLE when the bus fails and the spool is full, logging the streak once', async () => {
    const { publisher } = await setUp({ maxBytes: 100, retryAfterSeconds: 7 });
    broker.stop();

    const first = publisher.publish(LatUsedV1, aLatUsed());
    await expect(first).rejects.toBeInstanceOf(PublishRefusedError);
    const error = await publisher.publish(LatUsedV1, aLatUsed()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'MESSAGING.UNRECORDABLE', reason: 'spool-full', retryAfterSeconds: 7 });
    expect(await readdir(join(root, 'spool'))).toEqual([]);
    expect(publisher.health()).toMatchObject({ refused: 2, pendingEvents: 0 });
    expect(log.mock.calls.filter(([level]) => level === 'error')).toHaveLength(1);
  });

  it('refuses when the bus fails and the spool is disabled, with the bus error as cause', async () => {
    const { publisher } = await setUp({ maxBytes: null });
    broker.stop();

    const error = await publisher.publish(LatUsedV1, aLatUsed()).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'MESSAGING.UNRECORDABLE', reason: 'spool-disabled', cause: expect.any(BrokerUnavailableError) });
    expect(publisher.health()).toMatchObject({ spoolEnabled: false, mode: 'bus', refused: 1 });
  });

  it('refuses when the spool cannot write', async () => {
    const { publisher, spool } = await setUp();
    broker.stop();
    jest.spyOn(present(spool), 'append').mockRejectedValueOnce(new Error('EIO: i/o error, write'));

    await expect(publisher.publish(LatUsedV1, aLatUsed())).rejects.toMatchObject({ reason: 'spool-failed' });
  });

  it('keeps order across an outage: events queue behind spooled ones until the spool is drained', async () => {
    const { publisher, drainer } = await setUp();
    const resourceId = aResourceId();
    const publish = () => publisher.publish(LatUsedV1, aLatUsed({ resourceId }));
    broker.stop();
    const during = [await publish(), await publish()];
    broker.start();

    const after = [await publish(), await publish()];
    expect(after.map((r) => r.via)).toEqual(['spool', 'spool']); // the bus is back, but older events wait on disk

    await present(drainer).drainOnce();
    const recovered = await publish();

    expect(recovered.via).toBe('bus');
    expect(idsOnBus()).toEqual([...during, ...after, recovered].map((r) => r.id));
    expect(log).toHaveBeenCalledWith('info', 'events go to the bus again');
  });

  it('lets new events wait while the drainer hands over, then sends them to the bus behind the spooled ones', async () => {
    const { publisher, drainer } = await setUp();
    const resourceId = aResourceId();
    broker.stop();
    const spooled = await publisher.publish(LatUsedV1, aLatUsed({ resourceId }));
    broker.start();
    const send = transport.send.bind(transport);
    const ack = deferred();
    jest.spyOn(transport, 'send').mockImplementationOnce(async (messages) => {
      await ack.promise;
      await send(messages);
    });

    const handOver = present(drainer).drainOnce();
    await turn();
    expect(present(drainer).handingOver).toBe(true);
    let settled = false;
    const waiting = publisher.publish(LatUsedV1, aLatUsed({ resourceId })).finally(() => (settled = true));
    await turn();
    await turn();
    expect(settled).toBe(false);

    ack.resolve();
    await handOver;
    const late = await waiting;

    expect(late.via).toBe('bus');
    expect(idsOnBus()).toEqual([spooled.id, late.id]);
  });

  it('rejects invalid data as the bug it is, touching neither bus nor spool', async () => {
    const { publisher } = await setUp();
    const send = jest.spyOn(transport, 'send');

    const error = await publisher.publish(LatUsedV1, aLatUsed({ jti: '' })).catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(PublishRefusedError);
    expect(send).not.toHaveBeenCalled();
  });

  it('settles what was submitted on close and refuses what comes after', async () => {
    const { publisher } = await setUp();
    const pending = publisher.publish(LatUsedV1, aLatUsed());

    await publisher.close();

    await expect(pending).resolves.toMatchObject({ via: 'bus' });
    await expect(publisher.publish(LatUsedV1, aLatUsed())).rejects.toMatchObject({ reason: 'closed' });
  });
});
