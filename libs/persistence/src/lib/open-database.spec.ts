import { openDatabase } from './open-database';

describe(openDatabase.name, () => {
  it('needs a url or a data folder', async () => {
    await expect(openDatabase({})).rejects.toMatchObject({ code: 'PERSISTENCE.INVALID_OPTIONS' });
    await expect(openDatabase({ url: '', dataDir: '' })).rejects.toMatchObject({ code: 'PERSISTENCE.INVALID_OPTIONS' });
  });

  it('accepts only postgres URLs', async () => {
    await expect(openDatabase({ url: 'mysql://localhost/db' })).rejects.toMatchObject({ code: 'PERSISTENCE.INVALID_OPTIONS' });
  });

  it('opens a node-postgres pool lazily (no connection until the first query)', async () => {
    const db = await openDatabase({ url: 'postgres://nobody@127.0.0.1:1/none' });
    expect(db.driver).toBe('postgres');
    await db.close();
    await db.close();
  });
});
