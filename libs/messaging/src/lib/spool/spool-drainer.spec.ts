import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatUsedV1 } from '@latchkey/contracts';
import { anEnvelope } from '@latchkey/contracts/testing';
import { eventually } from '@latchkey/testing';
import { DurableSpool } from './durable-spool';
import { SpoolDrainer } from './spool-drainer';
import type { SpooledEvent } from './spool-record';

function events(n: number): SpooledEvent[] {
  return Array.from({ length: n }, () => ({ topic: LatUsedV1.topic, envelope: anEnvelope(LatUsedV1) }));
}

/** The value, or a failed test when it is missing. */
function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

const ids = (list: readonly SpooledEvent[]): string[] => list.map((e) => e.envelope.id);

/** A bus that records what it acknowledged; tests swap its behaviour per call. */
function fakeBus() {
  const acknowledged: SpooledEvent[] = [];
  const publishEnvelopes = jest.fn(async (items: readonly SpooledEvent[]): Promise<void> => {
    acknowledged.push(...items);
  });
  return { acknowledged, publishEnvelopes };
}

describe(SpoolDrainer.name, () => {
  let root: string;
  let dir: string;
  const cleanup: (() => Promise<void>)[] = [];
  const log = jest.fn();

  async function openSpool(segmentBytes?: number): Promise<DurableSpool> {
    const spool = await DurableSpool.open({ dir, maxBytes: 1024 * 1024, segmentBytes, log });
    cleanup.push(() => spool.close());
    return spool;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'latchkey-drainer-'));
    dir = join(root, 'spool');
    log.mockReset();
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await rm(root, { recursive: true, force: true });
  });

  it('republishes segments oldest first and in order, in batches, deleting each once all of it was acknowledged', async () => {
    const spool = await openSpool(1); // one segment per append
    const appended = [events(3), events(3), events(3)];
    for (const batch of appended) await spool.append(batch);
    const bus = fakeBus();
    const seenFiles: string[][] = [];
    bus.publishEnvelopes.mockImplementation(async (items) => {
      seenFiles.push(await readdir(dir));
      bus.acknowledged.push(...items);
    });

    const published = await new SpoolDrainer(bus, spool, { batchSize: 2 }).drainOnce();

    expect(published).toBe(9);
    expect(ids(bus.acknowledged)).toEqual(ids(appended.flat()));
    expect(bus.publishEnvelopes.mock.calls.map(([items]) => items.length)).toEqual([2, 1, 2, 1, 2, 1]);
    // While the second half of the first segment was being sent, the segment was still on disk.
    expect(seenFiles[1]).toHaveLength(3);
    expect(seenFiles[2]).toHaveLength(2);
    expect(await readdir(dir)).toEqual([]);
    expect(spool.isEmpty).toBe(true);
  });

  it('keeps a segment not wholly acknowledged, and resumes after its acknowledged part', async () => {
    const spool = await openSpool();
    const appended = events(5);
    await spool.append(appended);
    await spool.seal();
    const segment = present(spool.oldestSealed());
    const bus = fakeBus();
    bus.publishEnvelopes
      .mockImplementationOnce(async (items) => void bus.acknowledged.push(...items))
      .mockRejectedValueOnce(new Error('broker down'));
    const drainer = new SpoolDrainer(bus, spool, { batchSize: 2 });

    await expect(drainer.drainOnce()).rejects.toThrow('broker down');
    expect(existsSync(segment.path)).toBe(true);

    await expect(drainer.drainOnce()).resolves.toBe(3);
    expect(ids(bus.acknowledged)).toEqual(ids(appended)); // the first two were not sent again
    expect(existsSync(segment.path)).toBe(false);
  });

  it('republishes what a previous process left behind once started', async () => {
    const before = await DurableSpool.open({ dir, maxBytes: 1024 * 1024 });
    const leftover = events(4);
    await before.append(leftover);
    await before.close();
    const spool = await openSpool();
    const bus = fakeBus();
    const drainer = new SpoolDrainer(bus, spool, { idleIntervalMs: 10 });
    cleanup.push(() => drainer.stop(0));

    drainer.start();

    await eventually(() => spool.isEmpty, { timeoutMs: 5000, what: 'spool drained' });
    expect(ids(bus.acknowledged)).toEqual(ids(leftover));
    expect(await readdir(dir)).toEqual([]);
  });

  it('backs off while the bus fails, keeps the last error, and logs the streak once', async () => {
    const spool = await openSpool();
    await spool.append(events(2));
    const bus = fakeBus();
    bus.publishEnvelopes.mockRejectedValue(new Error('broker down'));
    const drainer = new SpoolDrainer(bus, spool, {
      minBackoffMs: 5,
      maxBackoffMs: 20,
      log,
      now: () => new Date('2025-01-01T00:00:00Z'),
    });
    cleanup.push(() => drainer.stop(0));

    drainer.start();
    await eventually(() => (drainer.lastError?.failures ?? 0) >= 3, { timeoutMs: 5000, what: 'three failed passes' });

    expect(drainer.lastError).toMatchObject({ message: 'broker down', at: new Date('2025-01-01T00:00:00Z') });
    expect(log.mock.calls.filter(([level]) => level === 'warn')).toEqual([
      ['warn', 'could not republish spooled events; will retry', expect.objectContaining({ error: 'broker down', pendingEvents: 2 })],
    ]);

    bus.publishEnvelopes.mockImplementation(async (items) => void bus.acknowledged.push(...items));
    await eventually(() => spool.isEmpty, { timeoutMs: 5000, what: 'spool drained after recovery' });
    expect(drainer.lastError).toMatchObject({ message: 'broker down', failures: 0 });
    expect(log).toHaveBeenCalledWith('info', 'spool drainer reached the bus again', { republished: 2 });
  });

  it('holds new events while it republishes the last open segment, then lets them go', async () => {
    const spool = await openSpool();
    await spool.append(events(2)); // still open: the publisher may append to it
    const bus = fakeBus();
    let acknowledge = (): void => undefined;
    bus.publishEnvelopes.mockImplementation(() => new Promise<void>((resolve) => (acknowledge = resolve)));
    const drainer = new SpoolDrainer(bus, spool);

    const pass = drainer.drainOnce();
    await eventually(() => bus.publishEnvelopes.mock.calls.length === 1, { timeoutMs: 2000, what: 'republish started' });
    let released = false;
    void drainer.handedOver().then(() => (released = true));

    expect(drainer.handingOver).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(false);

    acknowledge();
    await expect(pass).resolves.toBe(2);
    expect(drainer.handingOver).toBe(false);
    expect(released).toBe(true);
    expect(spool.isEmpty).toBe(true);
  });

  it('seals a large open segment without holding new events', async () => {
    const spool = await openSpool();
    await spool.append(events(5));
    const bus = fakeBus();
    const holding: boolean[] = [];
    const drainer = new SpoolDrainer(bus, spool, { batchSize: 2 });
    bus.publishEnvelopes.mockImplementation(async (items) => {
      holding.push(drainer.handingOver);
      bus.acknowledged.push(...items);
    });

    await expect(drainer.drainOnce()).resolves.toBe(5);

    expect(holding).toEqual([false, false, false]);
  });

  it('makes one last bounded attempt on stop and leaves what it could not send on disk', async () => {
    const spool = await openSpool();
    await spool.append(events(3));
    const bus = fakeBus();
    bus.publishEnvelopes.mockImplementation(() => new Promise<void>(() => undefined)); // never acknowledged
    const drainer = new SpoolDrainer(bus, spool, { sendDeadlineMs: 60_000, log });

    const started = Date.now();
    await drainer.stop(100);

    expect(Date.now() - started).toBeLessThan(2000);
    expect(spool.stats().pendingEvents).toBe(3);
    expect(log).toHaveBeenCalledWith('warn', expect.stringContaining('not drained before shutdown'), expect.objectContaining({ pendingEvents: 3 }));
  });

  it('empties the spool on stop when the bus answers', async () => {
    const spool = await openSpool();
    await spool.append(events(3));
    const bus = fakeBus();

    await new SpoolDrainer(bus, spool).stop(1000);

    expect(bus.acknowledged).toHaveLength(3);
    expect(spool.isEmpty).toBe(true);
  });
});
