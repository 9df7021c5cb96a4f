import { ReadThroughCache } from './read-through-cache';

describe(ReadThroughCache.name, () => {
  function counting(values: Record<string, string | undefined>) {
    const loads: string[] = [];
    const load = async (key: string) => {
      loads.push(key);
      await new Promise((resolve) => setImmediate(resolve));
      return values[key];
    };
    return { loads, load };
  }

  it('loads a key once while it is fresh, including concurrent misses and absent rows', async () => {
    const { loads, load } = counting({ a: 'A' });
    const cache = new ReadThroughCache(load, { ttlMs: 60_000, max: 10 });
    expect(await Promise.all([cache.get('a'), cache.get('a'), cache.get('b')])).toEqual(['A', 'A', undefined]);
    expect(await cache.get('b')).toBeUndefined();
    expect(loads).toEqual(['a', 'b']);
  });

  it('reads again after the time to live', async () => {
    const values: Record<string, string> = { a: 'old' };
    const cache = new ReadThroughCache(async (key: string) => values[key], {
      ttlMs: 20,
      max: 10,
    });
    expect(await cache.get('a')).toBe('old');
    values['a'] = 'new';
    expect(await cache.get('a')).toBe('old');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await cache.get('a')).toBe('new');
  });

  it('forget: the next get reads the change at once', async () => {
    const values: Record<string, string> = { a: 'old' };
    const cache = new ReadThroughCache(async (key: string) => values[key], {
      ttlMs: 60_000,
      max: 10,
    });
    await cache.get('a');
    values['a'] = 'new';
    cache.forget('a');
    expect(await cache.get('a')).toBe('new');
  });

  it('forget during a load: the caller still gets an answer, and the stale load is not kept', async () => {
    const values: Record<string, string> = { a: 'old' };
    const cache = new ReadThroughCache(
      async (key: string) => {
        const value = values[key];
        await new Promise((resolve) => setTimeout(resolve, 10));
        return value;
      },
      { ttlMs: 60_000, max: 10 },
    );
    const inFlight = cache.get('a');
    values['a'] = 'new';
    cache.forget('a');
    expect(['old', 'new']).toContain(await inFlight);
    expect(await cache.get('a')).toBe('new');
  });

  it('clear: every key is read again', async () => {
    const { loads, load } = counting({ a: 'A', b: 'B' });
    const cache = new ReadThroughCache(load, { ttlMs: 60_000, max: 10 });
    await cache.get('a');
    await cache.get('b');
    cache.clear();
    await cache.get('a');
    await cache.get('b');
    expect(loads).toEqual(['a', 'b', 'a', 'b']);
  });

  it('ttl 0: no cache, every get loads', async () => {
    const { loads, load } = counting({ a: 'A' });
    const cache = new ReadThroughCache(load, { ttlMs: 0, max: 10 });
    await cache.get('a');
    await cache.get('a');
    expect(loads).toEqual(['a', 'a']);
  });

  it('keeps at most max entries', async () => {
    const { loads, load } = counting({});
    const cache = new ReadThroughCache(load, { ttlMs: 60_000, max: 2 });
    for (const key of ['a', 'b', 'c', 'a']) await cache.get(key);
    expect(loads).toEqual(['a', 'b', 'c', 'a']);
  });
});
