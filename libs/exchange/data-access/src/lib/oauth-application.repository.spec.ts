import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA } from '../index';
import { OAuthApplicationRepository } from './oauth-application.repository';

function anApplication(clientId: string = randomUUID()) {
  return { clientId, displayName: 'Reports client', scopes: { 'api://latchkey/reports.read': ['reports:read'] }, clientSecretHash: 'a'.repeat(64) };
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

    expect(await applications.findByClientId(app.clientId)).toEqual({
      ...app,
      enabled: true,
      tokenLifetimeSeconds: 3600,
      allowedTenantIds: [],
      allowedSourceAppIds: [],
      appOnlyPolicy: 'deny',
      requireClientMatch: true,
      provisioning: 'create',
      secretRotatedAt: null,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
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

  it('lists applications by client id', async () => {
    const ids = [`zz-${randomUUID()}`, `zz-${randomUUID()}`].sort();
    await applications.insertIfAbsent(anApplication(ids[1]));
    await applications.insertIfAbsent(anApplication(ids[0]));

    const listed = (await applications.list()).map((a) => a.clientId).filter((id) => ids.includes(id));

    expect(listed).toEqual(ids);
  });

  it('updates the policies it is given, leaves the others and moves updatedAt', async () => {
    const app = anApplication();
    await applications.insertIfAbsent(app);
    const before = await applications.findByClientId(app.clientId);
    const tenant = randomUUID();

    const updated = await applications.update(app.clientId, { allowedTenantIds: [tenant], provisioning: 'link-only', tokenLifetimeSeconds: 600 });

    expect(updated).toMatchObject({ allowedTenantIds: [tenant], provisioning: 'link-only', tokenLifetimeSeconds: 600, scopes: app.scopes });
    expect(updated?.updatedAt.getTime()).toBeGreaterThanOrEqual(before?.updatedAt.getTime() ?? Infinity);
  });

  it('updates nothing and answers undefined for an unknown client id', async () => {
    await expect(applications.update(randomUUID(), { enabled: false })).resolves.toBeUndefined();
  });

  it('replaces the secret digest and records when', async () => {
    const app = anApplication();
    await applications.insertIfAbsent(app);

    const rotated = await applications.replaceSecretHash(app.clientId, 'b'.repeat(64));

    expect(rotated).toMatchObject({ clientSecretHash: 'b'.repeat(64), secretRotatedAt: expect.any(Date) });
    await expect(applications.replaceSecretHash(randomUUID(), 'c'.repeat(64))).resolves.toBeUndefined();
  });

  it.each([59, 86_401])('refuses a token lifetime of %i seconds (the table’s own bound)', async (tokenLifetimeSeconds) => {
    await expect(applications.insertIfAbsent({ ...anApplication(), tokenLifetimeSeconds })).rejects.toThrow();
  });

  it('refuses an unknown provisioning mode or app-only policy (the table’s own bound)', async () => {
    await expect(
      db.query("INSERT INTO exchange.oauth_applications (client_id, display_name, provisioning) VALUES ($1, 'x', 'maybe')", [randomUUID()]),
    ).rejects.toThrow();
    await expect(
      db.query("INSERT INTO exchange.oauth_applications (client_id, display_name, app_only_policy) VALUES ($1, 'x', 'yes')", [randomUUID()]),
    ).rejects.toThrow();
  });
});
