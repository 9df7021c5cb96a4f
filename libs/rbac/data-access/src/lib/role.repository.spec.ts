import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { RBAC_MIGRATIONS, RBAC_SCHEMA } from '../index';
import { PolicyVersionRepository } from './policy-version.repository';
import { RoleRepository } from './role.repository';

const aRole = (permissions: string[] = ['reports:read']) => ({ id: `role-${randomUUID()}`, description: 'Reads reports', permissions });

describe(RoleRepository.name, () => {
  let db: Database;
  let roles: RoleRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    roles = new RoleRepository(db);
  });

  afterAll(() => db.close());

  it('replaces the description and permissions when a role is upserted again', async () => {
    const role = aRole(['reports:read']);
    await roles.upsert(role);

    await roles.upsert({ ...role, description: 'Reads and writes reports', permissions: ['reports:read', 'reports:write'] });

    expect(await roles.findById(role.id)).toMatchObject({ description: 'Reads and writes reports', permissions: ['reports:read', 'reports:write'] });
  });

  it('refuses a second insert of the same id', async () => {
    const role = aRole();

    await expect(roles.insertIfAbsent(role)).resolves.toBe(true);
    await expect(roles.insertIfAbsent(role)).resolves.toBe(false);
  });

  it('replaces inclusions whole and lists who includes a role', async () => {
    const [parent, child, other] = [aRole(), aRole(), aRole()];
    for (const role of [parent, child, other]) await roles.upsert(role);

    await roles.setIncludes(parent.id, [child.id, other.id]);
    await roles.setIncludes(parent.id, [child.id]);

    expect((await roles.findById(parent.id))?.includes).toEqual([child.id]);
    expect(await roles.includersOf(child.id)).toEqual([parent.id]);
    expect(await roles.includersOf(other.id)).toEqual([]);
  });

  it('finds the roles whose own permissions hold a permission, compared exactly', async () => {
    const permission = `reports-${randomUUID()}:read`;
    const [holder, other] = [aRole([permission, 'reports:write']), aRole([permission.toUpperCase(), 'reports:read'])];
    await roles.upsert(holder);
    await roles.upsert(other);

    expect(await roles.grantingDirectly(permission)).toEqual([holder.id]);
  });

  it('refuses to delete a role another role includes, and deletes one nobody includes with its own inclusions', async () => {
    const [parent, child] = [aRole(), aRole()];
    await roles.upsert(parent);
    await roles.upsert(child);
    await roles.setIncludes(parent.id, [child.id]);

    await expect(roles.delete(child.id)).rejects.toThrow();
    await expect(roles.delete(parent.id)).resolves.toBe(true);

    expect(await roles.includersOf(child.id)).toEqual([]);
  });
});

describe(PolicyVersionRepository.name, () => {
  it('starts at 0 and advances strictly under the lock, committing only with the transaction', async () => {
    const db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    try {
      const versions = new PolicyVersionRepository(db);
      expect(await versions.committed()).toBe(0);

      const first = await db.transaction(async (tx) => (await versions.lock(tx.drizzle), versions.advance(tx.drizzle)));
      await expect(
        db.transaction(async (tx) => {
          await versions.lock(tx.drizzle);
          await versions.advance(tx.drizzle);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await versions.committed()).toBe(first);
      const third = await db.transaction(async (tx) => (await versions.lock(tx.drizzle), versions.advance(tx.drizzle)));

      expect(first).toBeGreaterThan(0);
      expect(third).toBeGreaterThan(first);
      expect(await versions.committed()).toBe(third);
    } finally {
      await db.close();
    }
  });
});
