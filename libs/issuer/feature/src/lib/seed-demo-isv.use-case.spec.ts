import { FEATURE_FLAGS } from '@latchkey/contracts';
import { ISSUER_MIGRATIONS, ISSUER_SCHEMA, IsvRepository } from '@latchkey/issuer/data-access';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { hashApiKey } from '@latchkey/tokens';
import { DEMO_ISV_ID, SeedDemoIsvUseCase } from './seed-demo-isv.use-case';

describe(SeedDemoIsvUseCase.name, () => {
  let db: Database;
  let isvs: IsvRepository;
  let seed: SeedDemoIsvUseCase;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ISSUER_SCHEMA, migrationsFolder: ISSUER_MIGRATIONS }]);
    isvs = new IsvRepository(db);
    seed = new SeedDemoIsvUseCase(isvs);
  });

  afterAll(() => db.close());

  // The demo ISV has a fixed id, so each test starts from an empty table.
  beforeEach(() => db.query('DELETE FROM issuer.isvs'));

  it('creates the demo ISV approved, granted every feature flag', async () => {
    await seed.execute();

    const isv = await isvs.findById(DEMO_ISV_ID);
    expect(isv?.status).toBe('approved');
    expect([...(isv?.grantedFeatures ?? [])].sort()).toEqual([...FEATURE_FLAGS].sort());
    expect(FEATURE_FLAGS).toHaveLength(3);
  });

  it('returns an ISV subscription key on creation', async () => {
    const result = await seed.execute();

    expect(result).toEqual({ isvId: DEMO_ISV_ID, subscriptionKey: expect.stringMatching(/^lk_isv_[A-Za-z0-9_-]{43}$/) });
  });

  it('stores the digest of the returned key, never the key', async () => {
    const { subscriptionKey } = await seed.execute();

    const byDigest = await isvs.findByKeyHash(hashApiKey(subscriptionKey ?? ''));
    expect(byDigest?.id).toBe(DEMO_ISV_ID);
    expect(byDigest?.subscriptionKeyHash).not.toContain(subscriptionKey);
  });

  it('returns no key and keeps the first key valid when the ISV exists', async () => {
    const { subscriptionKey } = await seed.execute();

    const again = await seed.execute();

    expect(again).toEqual({ isvId: DEMO_ISV_ID });
    expect((await isvs.findByKeyHash(hashApiKey(subscriptionKey ?? '')))?.id).toBe(DEMO_ISV_ID);
  });

  it('returns a different key each time the ISV is created afresh', async () => {
    const { subscriptionKey: first } = await seed.execute();
    await db.query('DELETE FROM issuer.isvs WHERE id = $1', [DEMO_ISV_ID]);

    const { subscriptionKey: second } = await seed.execute();

    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });
});
