import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ISSUER_MIGRATIONS, ISSUER_SCHEMA } from '../index';
import { IsvRepository } from './isv.repository';

function anIsv(overrides: Partial<Parameters<IsvRepository['insertIfAbsent']>[0]> = {}) {
  return {
    id: `isv-${randomUUID()}`,
    displayName: 'Door access vendor',
    status: 'approved' as const,
    grantedFeatures: ['Face.Identification', 'Face.Verification'],
    subscriptionKeyHash: randomUUID().replace(/-/g, '').repeat(2),
    ...overrides,
  };
}

describe(IsvRepository.name, () => {
  let db: Database;
  let isvs: IsvRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ISSUER_SCHEMA, migrationsFolder: ISSUER_MIGRATIONS }]);
    isvs = new IsvRepository(db);
  });

  afterAll(() => db.close());

  it('inserts an ISV that is absent and reports it', async () => {
    const isv = anIsv();

    await expect(isvs.insertIfAbsent(isv)).resolves.toBe(true);

    expect(await isvs.findById(isv.id)).toEqual({ ...isv, resourceId: null, createdAt: expect.any(Date) });
  });

  it('keeps the first ISV and returns false when the same id is inserted again', async () => {
    const first = anIsv();
    await isvs.insertIfAbsent(first);

    await expect(isvs.insertIfAbsent({ ...anIsv(), id: first.id, displayName: 'Impostor' })).resolves.toBe(false);

    expect((await isvs.findById(first.id))?.displayName).toBe(first.displayName);
  });

  it('defaults a new ISV to pending with no granted features', async () => {
    const { id, displayName, subscriptionKeyHash } = anIsv();

    await isvs.insertIfAbsent({ id, displayName, subscriptionKeyHash });

    expect(await isvs.findById(id)).toMatchObject({ status: 'pending', grantedFeatures: [] });
  });

  it('finds an ISV by the digest of its key', async () => {
    const isv = anIsv();
    await isvs.insertIfAbsent(isv);

    expect((await isvs.findByKeyHash(isv.subscriptionKeyHash))?.id).toBe(isv.id);
  });

  it('finds nothing by key hash when given the id or an unknown digest', async () => {
    const isv = anIsv();
    await isvs.insertIfAbsent(isv);

    await expect(isvs.findByKeyHash(isv.id)).resolves.toBeUndefined();
    await expect(isvs.findByKeyHash('0'.repeat(64))).resolves.toBeUndefined();
  });

  it('finds nothing by id when no ISV has it', async () => {
    await expect(isvs.findById('isv-unknown')).resolves.toBeUndefined();
  });

  it('refuses a second ISV with a key digest already in use', async () => {
    const first = anIsv();
    await isvs.insertIfAbsent(first);

    await expect(isvs.insertIfAbsent(anIsv({ subscriptionKeyHash: first.subscriptionKeyHash }))).rejects.toThrow();
  });
});
