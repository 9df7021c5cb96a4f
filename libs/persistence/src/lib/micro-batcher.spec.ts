import { MicroBatcher, type BatchEntry } from './micro-batcher';

/** A process step that records each batch and waits until released, so a test can see what is in flight. */
function gatedProcess() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const process = async (batch: readonly BatchEntry<number, string>[]) => {
    const number = batches.push(batch.map((entry) => entry.item));
    await new Promise<void>((release) => releases.push(release));
    batch.forEach((entry) => entry.resolve(`batch ${number}`));
  };
  return { batches, releases, process };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Lets the event loop turn until `condition` holds (a batch starts on a later turn than the one that made room for it). */
async function until(condition: () => boolean): Promise<void> {
  for (let turns = 0; turns < 100 && !condition(); turns++) await tick();
}

describe(MicroBatcher.name, () => {
  it('sends a lone item at once, and what arrives during a batch in flight as the next batch', async () => {
    const gate = gatedProcess();
    const batcher = new MicroBatcher(gate.process, { maxBatch: 100, concurrency: 1 });
    const first = batcher.submit(1);
    await tick();
    expect(gate.batches).toEqual([[1]]);
    const later = [2, 3, 4].map((item) => batcher.submit(item));
    await tick();
    expect(batcher.backlog).toBe(3); // waiting: one batch in flight at a time
    gate.releases[0]?.();
    await expect(first).resolves.toBe('batch 1');
    await until(() => gate.batches.length === 2);
    expect(gate.batches).toEqual([[1], [2, 3, 4]]);
    gate.releases[1]?.();
    await expect(Promise.all(later)).resolves.toEqual(['batch 2', 'batch 2', 'batch 2']);
  });

  it('keeps batches within maxBatch and at most `concurrency` in flight', async () => {
    const gate = gatedProcess();
    const batcher = new MicroBatcher(gate.process, { maxBatch: 2, concurrency: 2 });
    const all = [1, 2, 3, 4, 5].map((item) => batcher.submit(item));
    await tick();
    expect(gate.batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    gate.releases[0]?.();
    await until(() => gate.batches.length === 3);
    expect(gate.batches).toEqual([[1, 2], [3, 4], [5]]);
    gate.releases[1]?.();
    await until(() => gate.releases.length === 3);
    gate.releases.slice(1).forEach((release) => release());
    await expect(Promise.all(all)).resolves.toEqual(['batch 1', 'batch 1', 'batch 2', 'batch 2', 'batch 3']);
  });

  it('rejects the entries a failing process left open, and only those', async () => {
    const batcher = new MicroBatcher<number, string>(
      async (batch) => {
        batch[0]?.resolve('kept');
        throw new Error('bus down');
      },
      { maxBatch: 10, concurrency: 1 },
    );
    const [first, second] = [batcher.submit(1), batcher.submit(2)];
    await expect(first).resolves.toBe('kept');
    await expect(second).rejects.toThrow('bus down');
  });

  it('reports drained only when nothing is queued or in flight', async () => {
    const gate = gatedProcess();
    const batcher = new MicroBatcher(gate.process, { maxBatch: 10, concurrency: 1 });
    await expect(batcher.drained()).resolves.toBeUndefined();
    const submitted = batcher.submit(1);
    let drained = false;
    const waiting = batcher.drained().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    gate.releases[0]?.();
    await submitted;
    await waiting;
    expect(drained).toBe(true);
  });
});
