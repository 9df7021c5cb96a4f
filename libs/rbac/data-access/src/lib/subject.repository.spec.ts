import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { RBAC_MIGRATIONS, RBAC_SCHEMA } from '../index';
import { SubjectRepository } from './subject.repository';

function aPerson(id: string = randomUUID()) {
  return { id, kind: 'person' as const, tenantId: randomUUID(), displayName: 'Test Person' };
}

function aRole(permissions: string[] = ['reports:read']) {
  return { id: `role-${randomUUID()}`, description: 'Reads reports', permissions };
}

describe(SubjectRepository.name, () => {
  let db: Database;
  let subjects: SubjectRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    subjects = new SubjectRepository(db);
  });

  afterAll(() => db.close());

  it('inserts an absent subject and finds it by id', async () => {
    const person = aPerson();

    await expect(subjects.insertIfAbsent(person)).resolves.toBe(true);

    expect(await subjects.findById(person.id)).toEqual({ ...person, apiKeyHash: null, createdAt: expect.any(Date) });
  });

  it('returns false and keeps the first subject when the id exists', async () => {
    const first = aPerson();
    await subjects.insertIfAbsent(first);

    await expect(subjects.insertIfAbsent({ ...aPerson(first.id), displayName: 'Someone else' })).resolves.toBe(false);

    expect(await subjects.findById(first.id)).toMatchObject({ tenantId: first.tenantId, displayName: first.displayName });
  });

  it('replaces the description and permissions when a role is upserted again', async () => {
    const role = aRole(['reports:read']);
    await subjects.upsertRole(role);

    await subjects.upsertRole({ ...role, description: 'Reads and writes reports', permissions: ['reports:read', 'reports:write'] });

    const rows = await db.query<{ description: string; permissions: string[] }>(
      'SELECT description, permissions FROM rbac.roles WHERE id = $1',
      [role.id],
    );
    expect(rows).toEqual([{ description: 'Reads and writes reports', permissions: ['reports:read', 'reports:write'] }]);
  });

  it('lists the roles assigned to a subject', async () => {
    const person = aPerson();
    const [reader, writer] = [aRole(), aRole(['reports:write'])];
    await subjects.insertIfAbsent(person);
    await subjects.upsertRole(reader);
    await subjects.upsertRole(writer);

    await subjects.assign(person.id, reader.id);
    await subjects.assign(person.id, writer.id);

    expect((await subjects.rolesOf(person.id)).sort()).toEqual([reader.id, writer.id].sort());
  });

  it('keeps one assignment when the same role is assigned twice', async () => {
    const person = aPerson();
    const role = aRole();
    await subjects.insertIfAbsent(person);
    await subjects.upsertRole(role);

    await subjects.assign(person.id, role.id);
    await expect(subjects.assign(person.id, role.id)).resolves.toBeUndefined();

    expect(await subjects.rolesOf(person.id)).toEqual([role.id]);
  });

  it('lists no roles for a subject without assignments', async () => {
    const person = aPerson();
    await subjects.insertIfAbsent(person);

    await expect(subjects.rolesOf(person.id)).resolves.toEqual([]);
  });

  it('refuses to assign a role that does not exist', async () => {
    const person = aPerson();
    await subjects.insertIfAbsent(person);

    await expect(subjects.assign(person.id, 'role-missing')).rejects.toThrow();
  });

  it('writes through the transaction handle it is given', async () => {
    const person = aPerson();

    await expect(
      db.transaction(async (tx) => {
        await subjects.insertIfAbsent(person, tx.drizzle);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    await expect(subjects.findById(person.id)).resolves.toBeUndefined();
  });
});
