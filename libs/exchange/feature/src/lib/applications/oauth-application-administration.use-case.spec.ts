import { randomUUID } from 'node:crypto';
import { LatchkeyError } from '@latchkey/contracts';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA, OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { apiKeyMatches } from '@latchkey/tokens';
import { CreateApplicationBody, parseAdminInput } from './admin-request.schema';
import { OAuthApplicationAdministration } from './oauth-application-administration.use-case';

describe(OAuthApplicationAdministration.name, () => {
  let db: Database;
  let repository: OAuthApplicationRepository;
  let admin: OAuthApplicationAdministration;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }]);
    repository = new OAuthApplicationRepository(db);
    admin = new OAuthApplicationAdministration(repository);
  });

  afterAll(() => db.close());

  const anApplication = (extra: Record<string, unknown> = {}) =>
    parseAdminInput(CreateApplicationBody, { displayName: 'Reports', scopes: { 'testapi.read': ['testapi:read'] }, ...extra }, 'body');

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: unknown) => (error instanceof LatchkeyError ? error.code : 'other'),
    );

  it('creates an application with a random GUID client id and answers its secret, storing only the digest', async () => {
    const created = await admin.create(anApplication());

    expect(created.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.clientSecret).toMatch(/^lk_app_/);
    const stored = await repository.findByClientId(created.clientId);
    expect(stored?.clientSecretHash).not.toContain(created.clientSecret);
    expect(apiKeyMatches(created.clientSecret, stored?.clientSecretHash ?? '')).toBe(true);
  });

  it('never shows the secret or its digest again', async () => {
    const { clientId } = await admin.create(anApplication());

    const read = await admin.get(clientId);
    const listed = (await admin.list()).find((a) => a.clientId === clientId);

    for (const view of [read, listed]) {
      expect(view).toMatchObject({ clientId, hasClientSecret: true });
      expect(Object.keys(view ?? {})).not.toEqual(expect.arrayContaining(['clientSecret']));
      expect(Object.keys(view ?? {})).not.toEqual(expect.arrayContaining(['clientSecretHash']));
    }
  });

  it('keeps a client id the operator chose, and refuses a second application with it', async () => {
    const clientId = randomUUID();
    await admin.create(anApplication({ clientId }));

    expect(await codeOf(admin.create(anApplication({ clientId })))).toBe('EXCHANGE.ADMIN_APPLICATION_EXISTS');
  });

  it('changes only the given policies', async () => {
    const { clientId } = await admin.create(anApplication({ tokenLifetimeSeconds: 600 }));

    const updated = await admin.update(clientId, { provisioning: 'link-only', displayName: undefined });

    expect(updated).toMatchObject({ provisioning: 'link-only', tokenLifetimeSeconds: 600, displayName: 'Reports' });
  });

  it('disables and enables an application', async () => {
    const { clientId } = await admin.create(anApplication());

    expect((await admin.setEnabled(clientId, false)).enabled).toBe(false);
    expect((await admin.setEnabled(clientId, true)).enabled).toBe(true);
  });

  it('rotates the secret: the new one matches, the old one no longer does', async () => {
    const created = await admin.create(anApplication());

    const rotated = await admin.rotateSecret(created.clientId);

    const stored = await repository.findByClientId(created.clientId);
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    expect(apiKeyMatches(rotated.clientSecret, stored?.clientSecretHash ?? '')).toBe(true);
    expect(apiKeyMatches(created.clientSecret, stored?.clientSecretHash ?? '')).toBe(false);
    expect(rotated.secretRotatedAt).not.toBeNull();
  });

  it.each([
    ['get', (id: string) => admin.get(id)],
    ['update', (id: string) => admin.update(id, { enabled: false })],
    ['enable', (id: string) => admin.setEnabled(id, true)],
    ['rotate', (id: string) => admin.rotateSecret(id)],
  ])('refuses %s of an unknown application with ADMIN_APPLICATION_NOT_FOUND', async (_name, run) => {
    expect(await codeOf(run(randomUUID()))).toBe('EXCHANGE.ADMIN_APPLICATION_NOT_FOUND');
  });
});
