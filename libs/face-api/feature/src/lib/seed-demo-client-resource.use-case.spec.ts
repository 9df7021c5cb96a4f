import { ClientResourceRepository, FACE_API_MIGRATIONS, FACE_API_SCHEMA } from '@latchkey/face-api/data-access';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { hashApiKey } from '@latchkey/tokens';
import { DEMO_CLIENT_RESOURCE_ID, SeedDemoClientResourceUseCase } from './seed-demo-client-resource.use-case';

describe(SeedDemoClientResourceUseCase.name, () => {
  let db: Database;
  let resources: ClientResourceRepository;
  let seed: SeedDemoClientResourceUseCase;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: FACE_API_SCHEMA, migrationsFolder: FACE_API_MIGRATIONS }]);
    resources = new ClientResourceRepository(db);
    seed = new SeedDemoClientResourceUseCase(resources);
  });

  afterAll(() => db.close());

  // The demo resource has a fixed id, so each test starts from an empty table.
  beforeEach(() => db.query('DELETE FROM face_api.client_resources'));

  it('creates the demo resource and returns its canonical id and a client key', async () => {
    const result = await seed.execute();

    expect(result).toEqual({ resourceId: DEMO_CLIENT_RESOURCE_ID.toLowerCase(), subscriptionKey: expect.stringMatching(/^lk_cli_/) });
    expect(result.resourceId).not.toBe(DEMO_CLIENT_RESOURCE_ID);
  });

  it('stores the resource under its lower-cased id with the digest of the returned key', async () => {
    const { resourceId, subscriptionKey } = await seed.execute();

    const stored = await resources.findByKeyHash(hashApiKey(subscriptionKey ?? ''));
    expect(stored?.resourceId).toBe(resourceId);
    expect(stored?.subscriptionKeyHash).not.toContain(subscriptionKey);
  });

  it('returns no key and keeps the first key valid when the resource exists', async () => {
    const { subscriptionKey } = await seed.execute();

    const again = await seed.execute();

    expect(again).toEqual({ resourceId: DEMO_CLIENT_RESOURCE_ID.toLowerCase() });
    expect((await resources.findByKeyHash(hashApiKey(subscriptionKey ?? '')))?.resourceId).toBe(again.resourceId);
    expect(await db.query('SELECT resource_id FROM face_api.client_resources')).toHaveLength(1);
  });
});
