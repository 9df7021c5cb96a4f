import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { FACE_API_MIGRATIONS, FACE_API_SCHEMA } from '../index';
import { ClientResourceRepository } from './client-resource.repository';

/** A Face resource id as Azure spells it, in mixed case. */
function aMixedCaseResourceId(): string {
  return `/subscriptions/${randomUUID().toUpperCase()}/resourceGroups/Client-RG/providers/Microsoft.CognitiveServices/accounts/Face-${randomUUID().slice(0, 8)}`;
}

function aResource(resourceId = aMixedCaseResourceId()) {
  return { resourceId, displayName: 'Door device maker', subscriptionKeyHash: randomUUID().replace(/-/g, '').repeat(2) };
}

describe(ClientResourceRepository.name, () => {
  let db: Database;
  let resources: ClientResourceRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: FACE_API_SCHEMA, migrationsFolder: FACE_API_MIGRATIONS }]);
    resources = new ClientResourceRepository(db);
  });

  afterAll(() => db.close());

  it('stores the resource id lower-cased when inserting a resource that is absent', async () => {
    const resource = aResource();

    await expect(resources.insertIfAbsent(resource)).resolves.toBe(true);

    const stored = await resources.findByKeyHash(resource.subscriptionKeyHash);
    expect(stored).toEqual({ ...resource, resourceId: resource.resourceId.toLowerCase(), createdAt: expect.any(Date) });
  });

  it('returns false and keeps the first row when the same resource is inserted again', async () => {
    const first = aResource();
    await resources.insertIfAbsent(first);

    await expect(resources.insertIfAbsent(aResource(first.resourceId))).resolves.toBe(false);

    expect((await resources.findByKeyHash(first.subscriptionKeyHash))?.displayName).toBe(first.displayName);
  });

  it('treats a resource id differing only in case as the same resource', async () => {
    const first = aResource();
    await resources.insertIfAbsent(first);
    const again = aResource(first.resourceId.toUpperCase());

    await expect(resources.insertIfAbsent(again)).resolves.toBe(false);

    await expect(resources.findByKeyHash(again.subscriptionKeyHash)).resolves.toBeUndefined();
    const rows = await db.query('SELECT 1 FROM face_api.client_resources WHERE resource_id = $1', [first.resourceId.toLowerCase()]);
    expect(rows).toHaveLength(1);
  });

  it('finds nothing for a digest no resource has', async () => {
    await expect(resources.findByKeyHash('f'.repeat(64))).resolves.toBeUndefined();
  });

  it('finds a resource by its id in any case', async () => {
    const resource = aResource();
    await resources.insertIfAbsent(resource);

    expect((await resources.findById(resource.resourceId.toUpperCase()))?.resourceId).toBe(resource.resourceId.toLowerCase());
    await expect(resources.findById(aMixedCaseResourceId())).resolves.toBeUndefined();
  });

  it('lists resources by id', async () => {
    const [a, b] = [aResource(), aResource()];
    await resources.insertIfAbsent(a);
    await resources.insertIfAbsent(b);

    const ids = (await resources.list()).map((r) => r.resourceId);
    expect(ids).toEqual(expect.arrayContaining([a.resourceId.toLowerCase(), b.resourceId.toLowerCase()]));
    expect(ids).toEqual([...ids].sort());
  });

  it('replaces the key digest: the old one finds nothing, the new one finds the resource', async () => {
    const resource = aResource();
    await resources.insertIfAbsent(resource);
    const next = aResource().subscriptionKeyHash;

    await expect(resources.replaceKeyHash(resource.resourceId.toUpperCase(), next)).resolves.toBe(true);

    await expect(resources.findByKeyHash(resource.subscriptionKeyHash)).resolves.toBeUndefined();
    expect((await resources.findByKeyHash(next))?.resourceId).toBe(resource.resourceId.toLowerCase());
    await expect(resources.replaceKeyHash(aMixedCaseResourceId(), 'e'.repeat(64))).resolves.toBe(false);
  });

  it('deletes a resource once', async () => {
    const resource = aResource();
    await resources.insertIfAbsent(resource);

    await expect(resources.delete(resource.resourceId)).resolves.toBe(true);
    await expect(resources.delete(resource.resourceId)).resolves.toBe(false);
    await expect(resources.findByKeyHash(resource.subscriptionKeyHash)).resolves.toBeUndefined();
  });
});
