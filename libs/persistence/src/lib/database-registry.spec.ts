import { Database, type DatabaseOptions, type DrizzleDb, type SqlRow, type Transaction } from './database';
import { databaseKey, DatabaseRegistry } from './database-registry';

/** A stand-in instance that records closes; the registry never looks inside. */
class FakeDatabase extends Database {
  readonly driver = 'pglite' as const;
  closes = 0;
  closeStarted?: () => void;
  private finishClose: () => void = () => undefined;

  constructor(
    readonly options: DatabaseOptions,
    private readonly slowClose = false,
  ) {
    super();
  }

  get drizzle(): DrizzleDb {
    throw new Error('not used');
  }

  async query<R extends SqlRow = SqlRow>(): Promise<R[]> {
    return [{ ok: true } as unknown as R];
  }

  async exec(): Promise<void> {
    return undefined;
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return fn({} as Transaction);
  }

  async ping(): Promise<void> {
    return undefined;
  }

  close(): Promise<void> {
    this.closes++;
    this.closeStarted?.();
    if (!this.slowClose) return Promise.resolve();
    return new Promise((resolve) => (this.finishClose = resolve));
  }

  completeClose(): void {
    this.finishClose();
  }
}

function registryWithFakes(slowClose = false) {
  const opened: FakeDatabase[] = [];
  const registry = new DatabaseRegistry(async (options) => {
    const db = new FakeDatabase(options, slowClose);
    opened.push(db);
    return db;
  });
  return { registry, opened };
}

describe(DatabaseRegistry.name, () => {
  it('shares one instance per key and closes it with the last lease', async () => {
    const { registry, opened } = registryWithFakes();
    const options = { dataDir: '.data/pglite' };
    const [a, b] = await Promise.all([registry.acquire(options), registry.acquire({ dataDir: './.data/pglite/' })]);
    expect(opened).toHaveLength(1);
    expect(registry.holders(options)).toBe(2);
    await a.close();
    await a.close(); // a lease releases once
    expect(registry.holders(options)).toBe(1);
    expect(opened[0].closes).toBe(0);
    await expect(b.query('SELECT 1')).resolves.toEqual([{ ok: true }]);
    await b.close();
    expect(opened[0].closes).toBe(1);
    expect(registry.holders(options)).toBe(0);
  });

  it('keeps different URLs and folders apart', async () => {
    const { registry, opened } = registryWithFakes();
    const leases = await Promise.all([
      registry.acquire({ url: 'postgres://a/db' }),
      registry.acquire({ url: 'postgres://b/db' }),
      registry.acquire({ dataDir: 'memory://' }),
      registry.acquire({ dataDir: '.data/x' }),
    ]);
    expect(opened).toHaveLength(4);
    await Promise.all(leases.map((l) => l.close()));
    expect(opened.map((d) => d.closes)).toEqual([1, 1, 1, 1]);
  });

  it('refuses a closed lease while other holders keep working', async () => {
    const { registry } = registryWithFakes();
    const a = await registry.acquire({ dataDir: 'memory://' });
    const b = await registry.acquire({ dataDir: 'memory://' });
    await a.close();
    await expect(a.query('SELECT 1')).rejects.toMatchObject({ code: 'PERSISTENCE.CLOSED' });
    await expect(b.ping()).resolves.toBeUndefined();
    await b.close();
  });

  it('opens a new instance for a key only after the previous one has closed', async () => {
    const { registry, opened } = registryWithFakes(true);
    const first = await registry.acquire({ dataDir: '.data/y' });
    const closing = first.close();
    const reopened = registry.acquire({ dataDir: '.data/y' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toHaveLength(1); // still waiting for the close
    opened[0].completeClose();
    await closing;
    await reopened;
    expect(opened).toHaveLength(2);
  });

  it('does not cache a failed open', async () => {
    let attempts = 0;
    const registry = new DatabaseRegistry(async (options) => {
      attempts++;
      if (attempts === 1) throw new Error('disk full');
      return new FakeDatabase(options);
    });
    await expect(registry.acquire({ dataDir: '.data/z' })).rejects.toThrow('disk full');
    expect(registry.holders({ dataDir: '.data/z' })).toBe(0);
    const lease = await registry.acquire({ dataDir: '.data/z' });
    expect(attempts).toBe(2);
    await lease.close();
  });
});

describe(databaseKey.name, () => {
  it('prefers the URL, resolves folders, and needs one of them', () => {
    expect(databaseKey({ url: 'postgres://h/db', dataDir: '.data/pglite' })).toBe('url:postgres://h/db');
    expect(databaseKey({ dataDir: 'memory://' })).toBe('pglite:memory://');
    expect(databaseKey({ dataDir: 'a/../b' })).toBe(`pglite:${process.cwd()}/b`);
    expect(() => databaseKey({})).toThrow(expect.objectContaining({ code: 'PERSISTENCE.INVALID_OPTIONS' }));
  });
});
