import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA } from '../index';
import { OAuthApplicationRepository } from './oauth-application.repository';

function anApplication(clientId: string = randomUUID()) {
  return { clientId, displayName: 'Reports client', allowedScopes: ['api://latchkey/reports.read'], clientSecretHash: 'a'.repeat(64) };
}

describe(OAuthApplicationRepository.name, () => {
  let db: Database;
  let applications: OAuthApplicationRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }]);
    applications = new OAuthApplicationRepository(db);
  });

  afterAll(() => db.close());

  it('inserts an absent application, enabled by default', async () => {
    const app = anApplication();

    await expect(applications.insertIfAbsent(app)).resolves.toBe(true);

    expect(await applications.findByClientId(app.clientId)).toEqual({ ...app, enabled: true, createdAt: expect.any(Date) });
  });

  it('returns false and keeps the first application when the client id exists', async () => {
    const first = anApplication();
    await applications.insertIfAbsent(first);

    await expect(applications.insertIfAbsent({ ...anApplication(first.clientId), displayName: 'Impostor' })).resolves.toBe(false);

    expect((await applications.findByClientId(first.clientId))?.displayName).toBe(first.displayName);
  });

  it('finds nothing for an unknown client id', async () => {
    await expect(applications.findByClientId(randomUUID())).resolves.toBeUndefined();
  });

  it('disables an application and reports one change', async () => {
    const app = anApplication();
    await applications.insertIfAbsent(app);

    await expect(applications.disable(app.clientId)).resolves.toBe(1);

    expect((await applications.findByClientId(app.clientId))?.enabled).toBe(false);
  });

  it('leaves other applications enabled when disabling one', async () => {
    const target = anApplication();
    const bystander = anApplication();
    await applications.insertIfAbsent(target);
    await applications.insertIfAbsent(bystander);

    await applications.disable(target.clientId);

    expect((await applications.findByClientId(bystander.clientId))?.enabled).toBe(true);
  });

  it('reports no change when disabling an unknown client id', async () => {
    await expect(applications.disable(randomUUID())).resolves.toBe(0);
  });
});
