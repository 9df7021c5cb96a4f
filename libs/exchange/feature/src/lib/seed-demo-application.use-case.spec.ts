import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA, OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { apiKeyMatches } from '@latchkey/tokens';
import { DEMO_CLIENT_ID, SeedDemoApplicationUseCase } from './seed-demo-application.use-case';

describe(SeedDemoApplicationUseCase.name, () => {
  let db: Database;
  let applications: OAuthApplicationRepository;
  let seed: SeedDemoApplicationUseCase;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }]);
    applications = new OAuthApplicationRepository(db);
    seed = new SeedDemoApplicationUseCase(applications);
  });

  afterAll(() => db.close());

  // The demo application has a fixed id, so each test starts from an empty table.
  beforeEach(() => db.query('DELETE FROM exchange.oauth_applications'));

  it('creates the enabled demo application and returns its secret once', async () => {
    const result = await seed.execute();

    expect(result).toEqual({ clientId: DEMO_CLIENT_ID, clientSecret: expect.stringMatching(/^lk_app_/), scopes: ['api://latchkey/testapi.read'] });
    const stored = await applications.findByClientId(DEMO_CLIENT_ID);
    expect(stored).toMatchObject({ enabled: true, allowedScopes: ['api://latchkey/testapi.read'] });
  });

  it('stores only the digest of the secret it returns', async () => {
    const { clientSecret } = await seed.execute();

    const stored = await applications.findByClientId(DEMO_CLIENT_ID);
    expect(stored?.clientSecretHash).not.toContain(clientSecret);
    expect(apiKeyMatches(clientSecret ?? '', stored?.clientSecretHash ?? '')).toBe(true);
  });

  it('returns no secret and keeps the stored one when the application exists', async () => {
    await seed.execute();
    const before = await applications.findByClientId(DEMO_CLIENT_ID);

    const again = await seed.execute();

    expect(again).toEqual({ clientId: DEMO_CLIENT_ID, scopes: ['api://latchkey/testapi.read'] });
    expect((await applications.findByClientId(DEMO_CLIENT_ID))?.clientSecretHash).toBe(before?.clientSecretHash);
  });
});
