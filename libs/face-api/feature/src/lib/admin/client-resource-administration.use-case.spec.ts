import type { ConfigOf } from '@latchkey/config';
import { ClientResourceRepository, FACE_API_MIGRATIONS, FACE_API_SCHEMA } from '@latchkey/face-api/data-access';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ClientResourceDirectory } from '../client-resource/client-resource-directory';
import type { faceApiConfig } from '../face-api.config';
import { ClientResourceAdministration } from './client-resource-administration.use-case';
import { FaceAdminError } from './face-admin.errors';

const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/Admin-Test';

async function refusal(act: () => Promise<unknown>): Promise<string> {
  try {
    await act();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof FaceAdminError)) throw error;
    return error.code;
  }
}

describe(ClientResourceAdministration.name, () => {
  let db: Database;
  let directory: ClientResourceDirectory;
  let admin: ClientResourceAdministration;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: FACE_API_SCHEMA, migrationsFolder: FACE_API_MIGRATIONS }]);
    const resources = new ClientResourceRepository(db);
    // A long TTL: only the use case's own forgetting can make its changes visible.
    directory = new ClientResourceDirectory(resources, { LATCHKEY_FACE_API_CACHE_TTL_MS: 60_000 } as ConfigOf<typeof faceApiConfig>);
    admin = new ClientResourceAdministration(resources, directory);
  });

  afterAll(() => db.close());

  beforeEach(() => db.query('DELETE FROM face_api.client_resources'));

  it('creates a resource under its canonical id with a client key that resolves at once', async () => {
    const created = await admin.create({ resourceId: RESOURCE, displayName: 'Admin test' });

    expect(created).toEqual({
      resourceId: RESOURCE.toLowerCase(),
      displayName: 'Admin test',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      subscriptionKey: expect.stringMatching(/^lk_cli_[A-Za-z0-9_-]{43}$/),
    });
    await expect(directory.resolveResourceByKey(created.subscriptionKey)).resolves.toEqual({ resourceId: RESOURCE.toLowerCase(), displayName: 'Admin test' });
    await expect(admin.list()).resolves.toEqual([{ resourceId: RESOURCE.toLowerCase(), displayName: 'Admin test', createdAt: created.createdAt }]);
  });

  it('refuses a second resource with the same id in another case', async () => {
    await admin.create({ resourceId: RESOURCE, displayName: 'First' });
    expect(await refusal(() => admin.create({ resourceId: RESOURCE.toUpperCase(), displayName: 'Second' }))).toBe('FACE.ADMIN_RESOURCE_EXISTS');
    expect((await admin.view(RESOURCE)).displayName).toBe('First');
  });

  it('rotates the key: the old one stops at once on this instance, the new one works', async () => {
    const { subscriptionKey: old } = await admin.create({ resourceId: RESOURCE, displayName: 'Rotating' });
    await directory.resolveResourceByKey(old); // remembered

    const rotated = await admin.rotateKey(RESOURCE.toUpperCase());

    expect(rotated).toEqual({ resourceId: RESOURCE.toLowerCase(), subscriptionKey: expect.stringMatching(/^lk_cli_/) });
    expect(rotated.subscriptionKey).not.toBe(old);
    await expect(directory.resolveResourceByKey(old)).resolves.toBeUndefined();
    await expect(directory.resolveResourceByKey(rotated.subscriptionKey)).resolves.toMatchObject({ resourceId: RESOURCE.toLowerCase() });
  });

  it('deletes a resource: its key stops at once', async () => {
    const { subscriptionKey } = await admin.create({ resourceId: RESOURCE, displayName: 'Leaving' });
    await directory.resolveResourceByKey(subscriptionKey);

    await expect(admin.delete(RESOURCE)).resolves.toEqual({ resourceId: RESOURCE.toLowerCase() });

    await expect(directory.resolveResourceByKey(subscriptionKey)).resolves.toBeUndefined();
  });

  it('answers FACE.ADMIN_RESOURCE_NOT_FOUND for a resource that does not exist', async () => {
    expect(await refusal(() => admin.view(RESOURCE))).toBe('FACE.ADMIN_RESOURCE_NOT_FOUND');
    expect(await refusal(() => admin.rotateKey(RESOURCE))).toBe('FACE.ADMIN_RESOURCE_NOT_FOUND');
    expect(await refusal(() => admin.delete(RESOURCE))).toBe('FACE.ADMIN_RESOURCE_NOT_FOUND');
  });
});
