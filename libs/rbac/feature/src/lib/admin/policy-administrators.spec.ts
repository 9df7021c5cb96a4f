import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { RbacChangedV1 } from '@latchkey/contracts';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import {
  PermissionRepository,
  PolicyVersionRepository,
  RBAC_MIGRATIONS,
  RBAC_SCHEMA,
  RoleRepository,
  SubjectRepository,
} from '@latchkey/rbac/data-access';
import { openMigratedPglite } from '@latchkey/testing';
import { PolicyChanges } from '../policy/policy-changes';
import { SeedDemoOperatorUseCase } from '../seed-demo-operator.use-case';
import { AssignmentAdministration } from './assignment-administration.use-case';
import { POLICY_ADMINISTRATION, PolicyAdministrators } from './policy-administrators';
import { RoleAdministration } from './role-administration.use-case';

const LAST = { code: 'RBAC.ADMIN_LAST_ADMINISTRATOR' };

/** The last-administrator rule through the admin use cases, each test on a database of its own. */
describe(PolicyAdministrators.name, () => {
  let db: Database;
  let roles: RoleAdministration;
  let assignments: AssignmentAdministration;
  let subjects: SubjectRepository;
  let seed: SeedDemoOperatorUseCase;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    const outbox = new OutboxWriter(
      new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) }),
      RBAC_SCHEMA,
    );
    const changes = new PolicyChanges(new PolicyVersionRepository(db), outbox);
    const [roleRepository, permissions] = [new RoleRepository(db), new PermissionRepository(db)];
    subjects = new SubjectRepository(db);
    const administrators = new PolicyAdministrators(roleRepository, subjects);
    roles = new RoleAdministration(db, roleRepository, permissions, changes, administrators);
    assignments = new AssignmentAdministration(db, subjects, roleRepository, changes, administrators);
    seed = new SeedDemoOperatorUseCase(db, subjects, roleRepository, permissions, changes);
    await roles.createPermission({ id: POLICY_ADMINISTRATION, description: '' });
    await roles.createPermission({ id: 'rbac.policy:read', description: '' });
  });

  afterEach(() => db.close());

  const aPerson = async () => {
    const id = `p_${randomUUID()}`;
    await subjects.insertIfAbsent({ id, kind: 'person', tenantId: randomUUID(), displayName: 'Grace' });
    return { kind: 'person' as const, id };
  };
  const aRole = async (permissions: string[] = [], includes: string[] = []) =>
    (await roles.createRole({ id: `role-${randomUUID().slice(0, 8)}`, description: '', permissions, includes })).id;
  const published = async () =>
    (await db.query<{ envelope: { type: string } }>('SELECT envelope FROM rbac.outbox')).filter((r) => r.envelope.type === RbacChangedV1.type).length;
  const anAdministrator = async (roleId: string) => {
    const person = await aPerson();
    await assignments.add({ subject: person, roleId });
    return person;
  };

  it('refuses removing the last administrator’s assignment, changing nothing and publishing nothing', async () => {
    const admin = await aRole([POLICY_ADMINISTRATION]);
    const person = await anAdministrator(admin);
    const before = await published();

    await expect(assignments.remove({ subject: person, roleId: admin })).rejects.toMatchObject(LAST);

    expect(await subjects.assignmentsOf([person.id])).toEqual([{ subjectId: person.id, roleId: admin, tenantId: '*' }]);
    expect(await published()).toBe(before);
  });

  it('lets an administrator go while another remains, then refuses the last one', async () => {
    const admin = await aRole([POLICY_ADMINISTRATION]);
    const [first, second] = [await anAdministrator(admin), await anAdministrator(admin)];

    await assignments.remove({ subject: first, roleId: admin });

    await expect(assignments.remove({ subject: second, roleId: admin })).rejects.toMatchObject(LAST);
  });

  it('refuses deleting the last administrator’s role, directly held or including the granting role', async () => {
    const granting = await aRole([POLICY_ADMINISTRATION]);
    const including = await aRole([], [granting]);
    await anAdministrator(including);

    await expect(roles.deleteRole(including)).rejects.toMatchObject(LAST);
    expect((await roles.getRole(including)).includes).toEqual([granting]);
  });

  it('refuses taking the permission out of the last administrator’s role, or the inclusion that grants it', async () => {
    const granting = await aRole([POLICY_ADMINISTRATION]);
    const including = await aRole([], [granting]);
    const direct = await aRole([POLICY_ADMINISTRATION, 'rbac.policy:read']);
    await anAdministrator(including);
    const other = await anAdministrator(direct);

    // Two administrators: one may lose the permission.
    await roles.updateRole(direct, { permissions: ['rbac.policy:read'] });
    await assignments.remove({ subject: other, roleId: direct });

    await expect(roles.updateRole(including, { includes: [] })).rejects.toMatchObject(LAST);
    await expect(roles.updateRole(granting, { permissions: ['rbac.policy:read'] })).rejects.toMatchObject(LAST);
    expect((await roles.getRole(granting)).permissions).toEqual([POLICY_ADMINISTRATION]);
    // A change that keeps the administrator passes.
    await expect(
      roles.updateRole(granting, { description: 'Administers RBAC', permissions: [POLICY_ADMINISTRATION, 'rbac.policy:read'] }),
    ).resolves.toMatchObject({
      description: 'Administers RBAC',
    });
  });

  it('counts only people holding the permission in every tenant: not a tenant-scoped assignment, not an application', async () => {
    const admin = await aRole([POLICY_ADMINISTRATION]);
    const person = await anAdministrator(admin);
    await assignments.add({ subject: await aPerson(), roleId: admin, tenantId: randomUUID() });
    await assignments.add({ subject: { kind: 'application', id: `app-${randomUUID()}` }, roleId: admin });

    await expect(assignments.remove({ subject: person, roleId: admin })).rejects.toMatchObject(LAST);
  });

  it('holds no policy without an administrator: any change passes, as before the first person is given a role', async () => {
    const admin = await aRole([POLICY_ADMINISTRATION]);
    const scoped = await aPerson();
    const tenantId = randomUUID();
    await assignments.add({ subject: scoped, roleId: admin, tenantId });

    await expect(assignments.remove({ subject: scoped, roleId: admin, tenantId })).resolves.toBeUndefined();
    await expect(roles.deleteRole(admin)).resolves.toBeUndefined();
  });

  it('serialises concurrent removals of the last two administrators: one passes, the other is refused', async () => {
    const admin = await aRole([POLICY_ADMINISTRATION]);
    const [first, second] = [await anAdministrator(admin), await anAdministrator(admin)];

    const outcomes = await Promise.allSettled([
      assignments.remove({ subject: first, roleId: admin }),
      assignments.remove({ subject: second, roleId: admin }),
    ]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: LAST });
    expect(await subjects.anyHolds([admin], { kind: 'person', tenantId: '*' })).toBe(true);
  });

  it('does not hold the seed: it sets its roles back even when that takes the permission from the last administrator', async () => {
    await seed.execute();
    await roles.updateRole('auditor', { permissions: ['rbac.policy:read', POLICY_ADMINISTRATION] });
    const person = await anAdministrator('auditor');

    await seed.execute();

    expect((await roles.getRole('auditor')).permissions).not.toContain(POLICY_ADMINISTRATION);
    expect(await subjects.assignmentsOf([person.id])).toEqual([{ subjectId: person.id, roleId: 'auditor', tenantId: '*' }]);
    // And its platform-operator gives a person the permission back.
    await expect(seed.execute({ personId: person.id, displayName: 'Grace' })).resolves.toMatchObject({ operator: { personId: person.id } });
    await expect(assignments.remove({ subject: person, roleId: 'platform-operator' })).rejects.toMatchObject(LAST);
  });
});
