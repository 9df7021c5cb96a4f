import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatUsedV1 } from '@latchkey/contracts';
import { anEnvelope } from '@latchkey/contracts/testing';
import { DurableSpool, type DurableSpoolOptions } from './durable-spool';
import { SpoolFullError } from './spool.errors';
import { encodeRecords, type SpooledEvent } from './spool-record';
import { segmentName } from './spool-segment';

function events(n: number): SpooledEvent[] {
  return Array.from({ length: n }, () => ({ topic: LatUsedV1.topic, envelope: anEnvelope(LatUsedV1) }));
}

/** The value, or a failed test when it is missing. */
function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

/** The prototype every FileHandle shares, to observe writes and flushes without a file-system seam. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-probe-'));
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  await rm(dir, { recursive: true });
  return Object.getPrototypeOf(handle) as FileHandle;
}

describe(DurableSpool.name, () => {
  let dir: string;
  const opened: DurableSpool[] = [];
  const log = jest.fn();
  let proto: FileHandle;

  beforeAll(async () => {
    proto = await fileHandlePrototype();
  });

  async function openSpool(options: Partial<DurableSpoolOptions> = {}): Promise<DurableSpool> {
    const spool = await DurableSpool.open({ dir, maxBytes: 1024 * 1024, log, ...options });
    opened.push(spool);
    return spool;
  }

  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'latchkey-spool-')), 'spool', 'face-api');
    log.mockReset();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await rm(join(dir, '..', '..'), { recursive: true, force: true });
  });

  it('writes a batch as NDJSON lines with one write and one flush, and flushes the folder when it creates a file', async () => {
    const spool = await openSpool();
    const write = jest.spyOn(proto, 'write');
    const datasync = jest.spyOn(proto, 'datasync');
    const sync = jest.spyOn(proto, 'sync');
    const batch = events(3);

    await spool.append(batch);

    expect(write).toHaveBeenCalledTimes(1);
    expect(datasync).toHaveBeenCalledTimes(1);
    expect(sync).toHaveBeenCalledTimes(1); // the folder, for the new segment's name
    expect(await readdir(dir)).toEqual([segmentName(1)]);
    const lines = (await readFile(join(dir, segmentName(1)), 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as SpooledEvent)).toEqual(batch);

    await spool.append(events(2));
    expect(datasync).toHaveBeenCalledTimes(2);
    expect(sync).toHaveBeenCalledTimes(1); // same segment: no new name to flush
    expect(spool.stats()).toMatchObject({ pendingEvents: 5, segments: 1, appends: 2 });
  });

  it('creates its folder and files for the owner only', async () => {
    const spool = await openSpool();
    await spool.append(events(1));

    const handle = await open(join(dir, segmentName(1)), 'r');
    const { mode } = await handle.stat();
    await handle.close();
    expect(mode & 0o777).toBe(0o600);
  });

  it('refuses a batch that does not fit, counting appends still in progress', async () => {
    const one = encodeRecords(events(1)).length;
    const spool = await openSpool({ maxBytes: Math.floor(one * 1.5) });

    const [first, second] = await Promise.allSettled([spool.append(events(1)), spool.append(events(1))]);

    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: expect.any(SpoolFullError) });
    expect(spool.stats().pendingEvents).toBe(1);
  });

  it('seals a segment once it reaches its size and appends to a new one', async () => {
    const spool = await openSpool({ segmentBytes: 1 });

    await spool.append(events(1));
    await spool.append(events(2));

    expect(await readdir(dir)).toEqual([segmentName(1), segmentName(2)]);
    expect(spool.oldestSealed()).toMatchObject({ name: segmentName(1), events: 1 });
    expect(spool.activeEvents).toBe(0);
  });

  it('takes over the segments of a previous run and never appends to them', async () => {
    const before = await openSpool();
    const leftover = events(4);
    await before.append(leftover);
    await before.close();

    const after = await openSpool();
    await after.append(events(1));

    expect(after.stats()).toMatchObject({ pendingEvents: 5, segments: 2 });
    const oldest = after.oldestSealed();
    expect(oldest?.name).toBe(segmentName(1));
    expect(await after.read(present(oldest))).toEqual(leftover);
    expect(log).toHaveBeenCalledWith('info', expect.stringContaining('previous run'), expect.objectContaining({ pendingEvents: 4 }));
  });

  it('skips the torn last line a crash left, and logs it', async () => {
    const whole = events(2);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, segmentName(7)), Buffer.concat([encodeRecords(whole), Buffer.from('{"topic":"lat.used","envel')]));

    const spool = await openSpool();

    expect(spool.stats().pendingEvents).toBe(2);
    expect(await spool.read(present(spool.oldestSealed()))).toEqual(whole);
    expect(log).toHaveBeenCalledWith('warn', expect.stringContaining('torn'), { segment: segmentName(7), bytes: 26 });
    await spool.append(events(1));
    expect(await readdir(dir)).toEqual([segmentName(7), segmentName(8)]);
  });

  it('seals the segment after a failed write, so the next batch does not land behind a torn line', async () => {
    const spool = await openSpool();
    await spool.append(events(1));
    jest.spyOn(proto, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));

    await expect(spool.append(events(1))).rejects.toThrow('EIO');
    await spool.append(events(1));

    expect(await readdir(dir)).toEqual([segmentName(1), segmentName(2)]);
    expect(log).toHaveBeenCalledWith('warn', expect.stringContaining('write failed'), { segment: segmentName(1) });
  });

  it('removes a segment and forgets it', async () => {
    const spool = await openSpool();
    await spool.append(events(2));
    await spool.seal();

    await spool.remove(present(spool.oldestSealed()));

    expect(await readdir(dir)).toEqual([]);
    expect(spool.isEmpty).toBe(true);
    expect(spool.stats()).toMatchObject({ pendingEvents: 0, pendingBytes: 0, segments: 0 });
  });

  it('refuses a second spool on the same folder in one process', async () => {
    await openSpool();

    await expect(DurableSpool.open({ dir, maxBytes: 1024 })).rejects.toThrow('already in use');
  });

  it('refuses to open with no room at all: a disabled spool is no spool', async () => {
    await expect(DurableSpool.open({ dir, maxBytes: 0 })).rejects.toThrow('positive maxBytes');
  });
});
