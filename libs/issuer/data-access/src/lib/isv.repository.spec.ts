import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ISSUER_MIGRATIONS, ISSUER_SCHEMA } from '../index';
import { IsvRepository } from './isv.repository';
import { SubscriptionKeyRepository } from './subscription-key.repository';

function anIsv(overrides: Partial<Parameters<IsvRepository['insertIfAbsent']>[0]> = {}) {
  return {
    id: `isv-${randomUUID()}`,
    displayName: 'Door access vendor',
    status: 'approved' as const,
    grantedFeatures: ['Face.Identification', 'Face.Verification'],
    ...overrides,
  };
}

const aDigest = () => randomUUID().replace(/-/g, '').repeat(2);
const aKey = () => ({ id: `sk-${randomUUID()}`, digest: aDigest(), hint: 'abcd' });

describe(IsvRepository.name, () => {
  let db: Database;
  let isvs: IsvRepository;
  let keys: SubscriptionKeyRepository;
  const now = new Date('2026-11-22T07:00:00Z');

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ISSUER_SCHEMA, migrationsFolder: ISSUER_MIGRATIONS }]);
    isvs = new IsvRepository(db);
    keys = new SubscriptionKeyRepository(db);
  });

  afterAll(() => db.close());

  it('inserts an ISV that is absent and reports it', async () => {
    const isv = anIsv();

    await expect(isvs.insertIfAbsent(isv)).resolves.toBe(true);

    expect(await isvs.findById(isv.id)).toEqual({ ...isv, resourceId: null, dpopRequired: false, createdAt: expect.any(Date) });
  });

  it('keeps the first ISV and returns false when the same id is inserted again', async () => {
    const first = anIsv();
    await isvs.insertIfAbsent(first);

    await expect(isvs.insertIfAbsent({ ...anIsv(), id: first.id, displayName: 'Impostor' })).resolves.toBe(false);

    expect((await isvs.findById(first.id))?.displayName).toBe(first.displayName);
  });

  it('defaults a new ISV to pending with no granted features', async () => {
    const { id, displayName } = anIsv();

    await isvs.insertIfAbsent({ id, displayName });

    expect(await isvs.findById(id)).toMatchObject({ status: 'pending', grantedFeatures: [] });
  });

  it('updates what an operator may change, and reports an unknown id', async () => {
    const isv = anIsv({ status: 'pending', grantedFeatures: [] });
    await isvs.insertIfAbsent(isv);

    expect(await isvs.update(isv.id, { status: 'approved', grantedFeatures: ['Face.Verification'] })).toMatchObject({
      status: 'approved',
      grantedFeatures: ['Face.Verification'],
    });
    await expect(isvs.update('isv-unknown', { status: 'approved' })).resolves.toBeUndefined();
  });

  it('finds an ISV by the digest of an active key in either slot', async () => {
    const isv = anIsv();
    await isvs.insertIfAbsent(isv);
    const [one, two] = [aKey(), aKey()];
    await keys.putInSlot(isv.id, 1, one, now);
    await keys.putInSlot(isv.id, 2, two, now);

    expect((await isvs.findByKeyDigest(one.digest))?.id).toBe(isv.id);
    expect((await isvs.findByKeyDigest(two.digest))?.id).toBe(isv.id);
  });

  it('finds nothing by a revoked, replaced or unknown digest, or by the id', async () => {
    const isv = anIsv();
    await isvs.insertIfAbsent(isv);
    const [first, second, other] = [aKey(), aKey(), aKey()];
    await keys.putInSlot(isv.id, 1, first, now);
    await keys.putInSlot(isv.id, 2, other, now);

    await expect(keys.putInSlot(isv.id, 1, second, now)).resolves.toBe(first.id); // rotation of slot 1
    await expect(keys.revokeSlot(isv.id, 2, now)).resolves.toBe(other.id);

    await expect(isvs.findByKeyDigest(first.digest)).resolves.toBeUndefined();
    await expect(isvs.findByKeyDigest(other.digest)).resolves.toBeUndefined();
    expect((await isvs.findByKeyDigest(second.digest))?.id).toBe(isv.id);
    await expect(isvs.findByKeyDigest(isv.id)).resolves.toBeUndefined();
    await expect(isvs.findByKeyDigest('0'.repeat(64))).resolves.toBeUndefined();
  });

  it('finds nothing by id when no ISV has it', async () => {
    await expect(isvs.findById('isv-unknown')).resolves.toBeUndefined();
  });
});

describe(SubscriptionKeyRepository.name, () => {
  let db: Database;
  let isvs: IsvRepository;
  let keys: SubscriptionKeyRepository;
  const now = new Date('2026-11-22T07:00:00Z');

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ISSUER_SCHEMA, migrationsFolder: ISSUER_MIGRATIONS }]);
    isvs = new IsvRepository(db);
    keys = new SubscriptionKeyRepository(db);
  });

  afterAll(() => db.close());

  it('holds at most one active key per slot: two per ISV, rotation keeps history', async () => {
    const isv = anIsv();
    await isvs.insertIfAbsent(isv);
    for (let i = 0; i < 3; i++) await keys.putInSlot(isv.id, 1, aKey(), now);
    await keys.putInSlot(isv.id, 2, aKey(), now);

    expect((await keys.active(isv.id)).map((k) => k.slot)).toEqual([1, 2]);
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM issuer.subscription_keys WHERE isv_id = $1', [isv.id]);
    expect(row?.n).toBe(4);
  });

  it('is refused by the schema a second active key in a slot, a third slot, a reused digest or an unknown ISV', async () => {
    const isv = anIsv();
    await isvs.insertIfAbsent(isv);
    const key = aKey();
    await keys.putInSlot(isv.id, 1, key, now);
    const insert = (slot: number, digest: string, isvId = isv.id) =>
      db.query('INSERT INTO issuer.subscription_keys (id, isv_id, slot, digest, hint) VALUES ($1, $2, $3, $4, $5)', [`sk-${randomUUID()}`, isvId, slot, digest, 'x']);

    await expect(insert(1, aDigest())).rejects.toThrow();
    await expect(insert(3, aDigest())).rejects.toThrow();
    await expect(insert(2, key.digest)).rejects.toThrow();
    await expect(insert(1, aDigest(), 'isv-nobody')).rejects.toThrow();
  });

  it('revoking an empty slot reports nothing', async () => {
    const isv = anIsv();
    await isvs.insertIfAbsent(isv);
    await expect(keys.revokeSlot(isv.id, 2, now)).resolves.toBeUndefined();
  });
});
