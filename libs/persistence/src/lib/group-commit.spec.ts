import { openPgliteForTests } from '../../test/support/pglite-for-tests';
import type { Database, Transaction } from './database';
import { GroupCommit } from './group-commit';

describe(GroupCommit.name, () => {
  let db: Database;
  const transactions: number[] = [];

  beforeAll(async () => {
    db = await openPgliteForTests();
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)');
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    transactions.length = 0;
    await db.exec('TRUNCATE items');
  });

  /** Inserts a batch in one statement, and remembers each transaction's batch size. */
  async function insert(tx: Transaction, items: readonly { id: number; label: string | null }[]): Promise<void> {
    transactions.push(items.length);
    const values = items.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
    await tx.query(
      `INSERT INTO items (id, label) VALUES ${values}`,
      items.flatMap((item) => [item.id, item.label]),
    );
  }

  async function count(): Promise<number> {
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
    return row?.n ?? 0;
  }

  it('commits items submitted together in one transaction, and answers only after the commit', async () => {
    const committer = new GroupCommit(db, insert, { concurrency: 1 });
    const settled = Array.from({ length: 50 }, (_, id) =>
      committer.submit({ id, label: `item ${id}` }).then(async () => {
        // Visible from outside the transaction: it committed before we were told.
        const [row] = await db.query('SELECT id FROM items WHERE id = $1', [id]);
        return row;
      }),
    );
    await expect(Promise.all(settled)).resolves.toHaveLength(50);
    expect(transactions).toEqual([50]);
    expect(await count()).toBe(50);
  });

  it('splits at maxBatch', async () => {
    const committer = new GroupCommit(db, insert, {
      maxBatch: 20,
      concurrency: 1,
    });
    await Promise.all(Array.from({ length: 50 }, (_, id) => committer.submit({ id, label: 'x' })));
    expect(transactions).toEqual([20, 20, 10]);
  });

  it('batches what arrives while a commit is in flight', async () => {
    const committer = new GroupCommit(db, insert, { concurrency: 1 });
    const first = committer.submit({ id: 0, label: 'first' });
    await new Promise((resolve) => setImmediate(resolve)); // the first transaction has started
    const rest = Array.from({ length: 10 }, (_, i) => committer.submit({ id: i + 1, label: 'later' }));
    await Promise.all([first, ...rest]);
    expect(transactions).toEqual([1, 10]);
  });

  it('fails only the bad item of a batch: the others are retried alone and commit', async () => {
    const committer = new GroupCommit(db, insert, { concurrency: 1 });
    const results = await Promise.allSettled([
      committer.submit({ id: 1, label: 'good' }),
      committer.submit({ id: 2, label: null }), // violates NOT NULL
      committer.submit({ id: 3, label: 'good' }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await count()).toBe(2);
  });

  it('rejects every caller when the database cannot commit at all', async () => {
    const broken = new GroupCommit<{ id: number }>(db, async (tx) => {
      await tx.query('SELECT * FROM no_such_table');
    });
    const results = await Promise.allSettled([broken.submit({ id: 1 }), broken.submit({ id: 2 })]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('drains: resolves once nothing is queued or in flight', async () => {
    const committer = new GroupCommit(db, insert);
    await committer.drained();
    const pending = Promise.all(Array.from({ length: 5 }, (_, id) => committer.submit({ id, label: 'x' })));
    expect(committer.backlog).toBe(5);
    await committer.drained();
    expect(await count()).toBe(5);
    await pending;
  });
});
