import { PGlite } from '@electric-sql/pglite';
import { isUnstorableText } from './unstorable-text';

/** The error a query raises, so the codes are the driver's own and not written down by hand. */
async function errorOf(db: PGlite, sql: string, params: unknown[] = []): Promise<unknown> {
  try {
    await db.query(sql, params);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('isUnstorableText', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec('CREATE TABLE t (name varchar(3))');
  });
  afterAll(() => db.close());

  it('recognises a NUL character in a text parameter, also wrapped as Drizzle wraps it', async () => {
    const error = await errorOf(db, 'SELECT $1::text', ['a\u0000b']);
    expect(isUnstorableText(error)).toBe(true);
    expect(isUnstorableText(new Error('Failed query', { cause: error }))).toBe(true);
  });

  it('recognises a \\u0000 escape in jsonb and a value longer than its column', async () => {
    expect(isUnstorableText(await errorOf(db, 'SELECT $1::jsonb', [JSON.stringify({ a: 'x\u0000' })]))).toBe(true);
    expect(isUnstorableText(await errorOf(db, 'INSERT INTO t VALUES ($1)', ['abcd']))).toBe(true);
  });

  it('leaves other failures alone (they stay 500s or 503s)', async () => {
    expect(isUnstorableText(await errorOf(db, 'SELECT * FROM missing_table'))).toBe(false);
    expect(isUnstorableText(await errorOf(db, 'SELECT 1/0'))).toBe(false);
    expect(isUnstorableText(new Error('ECONNREFUSED'))).toBe(false);
    expect(isUnstorableText('22021')).toBe(false);
  });
});
