import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { RBAC_MIGRATIONS, RBAC_SCHEMA } from '../index';
import { RoleRepository } from './role.repository';
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
  let roles: RoleRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    subjects = new SubjectRepository(db);
    roles = new RoleRepository(db);
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

  it('lists the roles assigned to a subject', async () => {
    const person = aPerson();
    const [reader, writer] = [aRole(), aRole(['reports:write'])];
    await subjects.insertIfAbsent(person);
    await roles.upsert(reader);
    await roles.upsert(writer);

    await subjects.assign(person.id, reader.id);
    await subjects.assign(person.id, writer.id);

    expect((await subjects.rolesOf(person.id)).sort()).toEqual([reader.id, writer.id].sort());
  });

  it('keeps one assignment and answers false when the same role is assigned twice', async () => {
    const person = aPerson();
    const role = aRole();
    await subjects.insertIfAbsent(person);
    await roles.upsert(role);

    await subjects.assign(person.id, role.id);
    await expect(subjects.assign(person.id, role.id)).resolves.toBe(false);

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

  it('keeps one assignment per tenant and an unscoped one apart, and removes exactly the one named', async () => {
    const person = aPerson();
    const role = aRole();
    const tenant = randomUUID();
    await subjects.insertIfAbsent(person);
    await roles.upsert(role);

    await expect(subjects.assign(person.id, role.id, undefined, tenant)).resolves.toBe(true);
    await expect(subjects.assign(person.id, role.id)).resolves.toBe(true);
    await expect(subjects.assign(person.id, role.id, undefined, tenant)).resolves.toBe(false);

    expect(await subjects.assignmentsOf([person.id])).toEqual(
      expect.arrayContaining([
        { subjectId: person.id, roleId: role.id, tenantId: tenant },
        { subjectId: person.id, roleId: role.id, tenantId: '*' },
      ]),
    );
    await expect(subjects.unassign({ subjectId: person.id, roleId: role.id, tenantId: tenant })).resolves.toBe(true);
    await expect(subjects.unassign({ subjectId: person.id, roleId: role.id, tenantId: tenant })).resolves.toBe(false);
    expect(await subjects.assignmentsOf([person.id])).toEqual([{ subjectId: person.id, roleId: role.id, tenantId: '*' }]);
  });

  it('finds a holder of the given roles only among subjects of the kind and assignments in exactly that tenant', async () => {
    const [person, app, tenant] = [aPerson(), { id: `app-${randomUUID()}`, kind: 'application' as const }, randomUUID()];
    const [held, scoped, other] = [aRole(), aRole(), aRole()];
    for (const role of [held, scoped, other]) await roles.upsert(role);
    await subjects.insertIfAbsent(person);
    await subjects.insertIfAbsent(app);
    await subjects.assign(person.id, held.id);
    await subjects.assign(person.id, scoped.id, undefined, tenant);
    await subjects.assign(app.id, other.id);

    await expect(subjects.anyHolds([other.id, held.id], { kind: 'person', tenantId: '*' })).resolves.toBe(true);
    await expect(subjects.anyHolds([scoped.id], { kind: 'person', tenantId: '*' })).resolves.toBe(false);
    await expect(subjects.anyHolds([scoped.id], { kind: 'person', tenantId: tenant })).resolves.toBe(true);
    await expect(subjects.anyHolds([other.id], { kind: 'person', tenantId: '*' })).resolves.toBe(false);
    await expect(subjects.anyHolds([], { kind: 'person', tenantId: '*' })).resolves.toBe(false);
  });

  it('lists subjects by kind', async () => {
    const app = { id: `app-${randomUUID()}`, kind: 'application' as const };
    await subjects.insertIfAbsent(app);

    const listed = await subjects.list({ kind: 'application', limit: 1000 });

    expect(listed.map((s) => s.id)).toContain(app.id);
    expect(listed.every((s) => s.kind === 'application')).toBe(true);
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
