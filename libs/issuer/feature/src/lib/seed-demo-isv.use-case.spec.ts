import { randomBytes } from 'node:crypto';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import { ISSUER_MIGRATIONS, ISSUER_SCHEMA, IsvRepository, SubscriptionKeyRepository } from '@latchkey/issuer/data-access';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { SubscriptionKeyAdministration } from './admin/subscription-key-administration.use-case';
import type { issuerConfig } from './issuer.config';
import type { ConfigOf } from '@latchkey/config';
import { IsvAuthenticator } from './isv/isv-authenticator';
import { SubscriptionKeyDigester } from './isv/subscription-key-digester';
import { DEMO_ISV_ID, SeedDemoIsvUseCase } from './seed-demo-isv.use-case';

describe(SeedDemoIsvUseCase.name, () => {
  let db: Database;
  let isvs: IsvRepository;
  let authenticator: IsvAuthenticator;
  let seed: SeedDemoIsvUseCase;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ISSUER_SCHEMA, migrationsFolder: ISSUER_MIGRATIONS }]);
    isvs = new IsvRepository(db);
    const config = { LATCHKEY_ISSUER_KEY_DIGEST_SECRET: randomBytes(32).toString('base64'), LATCHKEY_ISSUER_CACHE_TTL_MS: 0 } as ConfigOf<typeof issuerConfig>;
    const digester = new SubscriptionKeyDigester(config);
    await digester.onModuleInit();
    authenticator = new IsvAuthenticator(isvs, digester, config);
    const keys = new SubscriptionKeyAdministration(isvs, new SubscriptionKeyRepository(db), digester, authenticator, () => new Date());
    seed = new SeedDemoIsvUseCase(isvs, keys);
  });

  afterAll(() => db.close());

  // The demo ISV has a fixed id, so each test starts from empty tables.
  beforeEach(async () => {
    await db.query('DELETE FROM issuer.subscription_keys');
    await db.query('DELETE FROM issuer.isvs');
  });

  it('creates the demo ISV approved, granted every feature flag', async () => {
    await seed.execute();

    const isv = await isvs.findById(DEMO_ISV_ID);
    expect(isv?.status).toBe('approved');
    expect([...(isv?.grantedFeatures ?? [])].sort()).toEqual([...FEATURE_FLAGS].sort());
    expect(FEATURE_FLAGS).toHaveLength(3);
  });

  it('returns an ISV subscription key on creation, which authenticates as the demo ISV', async () => {
    const result = await seed.execute();

    expect(result).toEqual({ isvId: DEMO_ISV_ID, subscriptionKey: expect.stringMatching(/^lk_isv_[A-Za-z0-9_-]{43}$/) });
    expect((await authenticator.authenticate(result.subscriptionKey)).id).toBe(DEMO_ISV_ID);
  });

  it('stores a digest of the returned key, never the key', async () => {
    const { subscriptionKey } = await seed.execute();

    const rows = await db.query<Record<string, unknown>>('SELECT * FROM issuer.subscription_keys');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(subscriptionKey?.slice(7, 40));
  });

  it('returns no key and keeps the first key valid when the ISV and its key exist', async () => {
    const { subscriptionKey } = await seed.execute();

    const again = await seed.execute();

    expect(again).toEqual({ isvId: DEMO_ISV_ID });
    expect((await authenticator.authenticate(subscriptionKey)).id).toBe(DEMO_ISV_ID);
  });

  it('gives an existing demo ISV without an active key a new one (e.g. after the key-storage migration)', async () => {
    const { subscriptionKey: first } = await seed.execute();
    await db.query('DELETE FROM issuer.subscription_keys');

    const { subscriptionKey: second } = await seed.execute();

    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    await expect(authenticator.authenticate(first)).rejects.toMatchObject({ code: 'ISSUER.KEY_INVALID' });
  });
});
