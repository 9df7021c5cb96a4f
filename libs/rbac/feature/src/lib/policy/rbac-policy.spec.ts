import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { RbacChangedV1, type EventEnvelope } from '@latchkey/contracts';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import {
  EndpointRepository,
  PermissionRepository,
  PolicyVersionRepository,
  RBAC_MIGRATIONS,
  RBAC_SCHEMA,
  RoleRepository,
  SubjectRepository,
} from '@latchkey/rbac/data-access';
import { openMigratedPglite } from '@latchkey/testing';
import { AssignmentAdministration } from '../admin/assignment-administration.use-case';
import { PolicyAdministrators } from '../admin/policy-administrators';
import { RoleAdministration } from '../admin/role-administration.use-case';
import { RegisterEndpointsUseCase } from '../endpoints/register-endpoints.use-case';
import { PolicyChanges } from './policy-changes';
import { PolicyEngine } from './policy-engine';

const TENANT_A = randomUUID();
const TENANT_B = randomUUID();

/** The whole policy path on PGlite: admin use cases write, the engine decides, the outbox holds the events. */
describe(PolicyEngine.name, () => {
  let db: Database;
  let engine: PolicyEngine;
  let roles: RoleAdministration;
  let assignments: AssignmentAdministration;
  let endpoints: RegisterEndpointsUseCase;
  let subjects: SubjectRepository;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    const outbox = new OutboxWriter(
      new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) }),
      RBAC_SCHEMA,
    );
    const versions = new PolicyVersionRepository(db);
    const changes = new PolicyChanges(versions, outbox);
    const [roleRepository, permissions] = [new RoleRepository(db), new PermissionRepository(db)];
    subjects = new SubjectRepository(db);
    engine = new PolicyEngine(versions, permissions, roleRepository, subjects);
    const administrators = new PolicyAdministrators(roleRepository, subjects);
    roles = new RoleAdministration(db, roleRepository, permissions, changes, administrators);
    assignments = new AssignmentAdministration(db, subjects, roleRepository, changes, administrators);
    endpoints = new RegisterEndpointsUseCase(db, new EndpointRepository(db), permissions, changes);
  });

  afterAll(() => db.close());

  const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
  // Person ids as the exchange makes them.
  const aPerson = async (tenantId = TENANT_A) => {
    const id = `p_${randomUUID()}`;
    await subjects.insertIfAbsent({ id, kind: 'person', tenantId, displayName: 'Grace' });
    return { kind: 'person' as const, id };
  };
  const aPermission = async () => {
    const id = `${unique('reports')}:read`;
    await roles.createPermission({ id, description: '' });
    return id;
  };
  const aRole = async (permissions: string[] = [], includes: string[] = []) =>
    (await roles.createRole({ id: unique('role'), description: '', permissions, includes })).id;
  const events = async (): Promise<Array<EventEnvelope<unknown>>> =>
    (await db.query<{ envelope: EventEnvelope<unknown> }>('SELECT envelope FROM rbac.outbox ORDER BY id')).map((r) => r.envelope);
  const changed = async () => (await events()).filter((e) => e.type === RbacChangedV1.type).map((e) => RbacChangedV1.data.parse(e.data));

  it('denies by default: a known subject with no role holding the permission', async () => {
    const permission = await aPermission();
    const person = await aPerson();

    expect(await engine.decide({ subject: person, permission })).toMatchObject({ decision: 'deny', reason: 'no-role-grants' });
  });

  it('allows through a directly assigned role, naming it', async () => {
    const permission = await aPermission();
    const role = await aRole([permission]);
    const person = await aPerson();
    await assignments.add({ subject: person, roleId: role });

    expect(await engine.decide({ subject: person, permission })).toMatchObject({ decision: 'allow', reason: `granted-by-role:${role}` });
  });

  it("reaches a grandparent's included role: the permission of a role two inclusions down is granted", async () => {
    const permission = await aPermission();
    const leaf = await aRole([permission]);
    const middle = await aRole([], [leaf]);
    const top = await aRole([], [middle]);
    const person = await aPerson();
    await assignments.add({ subject: person, roleId: top });

    expect(await engine.decide({ subject: person, permission })).toMatchObject({ decision: 'allow', reason: `granted-by-role:${leaf}` });
  });

  it('refuses an inclusion that makes a cycle, and the policy stays as it was', async () => {
    const a = await aRole();
    const b = await aRole([], [a]);
    const before = (await changed()).length;

    await expect(roles.updateRole(a, { includes: [b] })).rejects.toMatchObject({ code: 'RBAC.ADMIN_ROLE_CYCLE' });
    await expect(roles.updateRole(a, { includes: [a] })).rejects.toMatchObject({ code: 'RBAC.ADMIN_ROLE_CYCLE' });

    expect((await roles.getRole(a)).includes).toEqual([]);
    expect((await changed()).length).toBe(before);
  });

  it('refuses a hierarchy deeper than Casbin follows', async () => {
    let below = await aRole();
    for (let i = 0; i < 8; i++) below = await aRole([], [below]);

    await expect(aRole([], [below])).rejects.toMatchObject({ code: 'RBAC.ADMIN_ROLE_TOO_DEEP' });
  });

  it('denies a permission outside the registry with unknown-permission, never an error', async () => {
    const person = await aPerson();

    expect(await engine.decide({ subject: person, permission: 'nothing:registered' })).toMatchObject({
      decision: 'deny',
      reason: 'unknown-permission',
    });
    expect(await engine.decide({ subject: person, permission: 'not a permission' })).toMatchObject({ reason: 'unknown-permission' });
  });

  it('denies a subject RBAC does not know, or one named with another kind, with unknown-subject', async () => {
    const permission = await aPermission();
    const person = await aPerson();

    expect(await engine.decide({ subject: { kind: 'person', id: unique('nobody') }, permission })).toMatchObject({ reason: 'unknown-subject' });
    expect(await engine.decide({ subject: { kind: 'operator', id: person.id }, permission })).toMatchObject({ reason: 'unknown-subject' });
  });

  it('applies a tenant-scoped assignment only in its tenant, and an unscoped one in every tenant', async () => {
    const permission = await aPermission();
    const role = await aRole([permission]);
    const scoped = await aPerson();
    const everywhere = await aPerson();
    await assignments.add({ subject: scoped, roleId: role, tenantId: TENANT_A });
    await assignments.add({ subject: everywhere, roleId: role });

    const decide = async (subject: typeof scoped, tenantId?: string) => (await engine.decide({ subject, permission, tenantId })).decision;
    expect(await decide(scoped, TENANT_A)).toBe('allow');
    expect(await decide(scoped, TENANT_B)).toBe('deny');
    expect(await decide(scoped)).toBe('deny');
    expect(await decide(everywhere, TENANT_A)).toBe('allow');
    expect(await decide(everywhere, TENANT_B)).toBe('allow');
    expect(await decide(everywhere)).toBe('allow');
  });

  it('takes an assignment removal into account on the very next decision', async () => {
    const permission = await aPermission();
    const role = await aRole([permission]);
    const person = await aPerson();
    await assignments.add({ subject: person, roleId: role });
    expect((await engine.decide({ subject: person, permission })).decision).toBe('allow');

    await assignments.remove({ subject: person, roleId: role });

    expect(await engine.decide({ subject: person, permission })).toMatchObject({ decision: 'deny', reason: 'no-role-grants' });
  });

  it('sees a change committed by another instance (another engine on the same database) on its next decision', async () => {
    const permission = await aPermission();
    const role = await aRole([permission]);
    const person = await aPerson();
    const other = new PolicyEngine(new PolicyVersionRepository(db), new PermissionRepository(db), new RoleRepository(db), subjects);
    expect((await other.decide({ subject: person, permission })).decision).toBe('deny');

    await assignments.add({ subject: person, roleId: role });

    expect((await other.decide({ subject: person, permission })).decision).toBe('allow');
  });

  it('shares one version read among the decisions that arrive together, and never answers from a read sent before a decision arrived', async () => {
    const permission = await aPermission();
    const role = await aRole([permission]);
    const person = await aPerson();
    const versions = new PolicyVersionRepository(db);
    const reads = jest.spyOn(versions, 'committedNow');
    const batched = new PolicyEngine(versions, new PermissionRepository(db), new RoleRepository(db), subjects);
    await batched.decide({ subject: person, permission });
    reads.mockClear();

    // Eight decisions in one turn of the event loop: one read.
    const together = await Promise.all(Array.from({ length: 8 }, () => batched.decide({ subject: person, permission })));
    expect(together.every((d) => d.decision === 'deny')).toBe(true);
    expect(reads).toHaveBeenCalledTimes(1);

    // A change committed while a read is on its way: a decision asked after the commit waits for a read of its own.
    reads.mockClear();
    const early = batched.decide({ subject: person, permission });
    await new Promise((resolve) => setImmediate(resolve)); // the early decision's read is sent now
    await assignments.add({ subject: person, roleId: role });
    const late = await batched.decide({ subject: person, permission });
    expect(late).toMatchObject({ decision: 'allow', reason: `granted-by-role:${role}` });
    await early;
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('registers an application on its first assignment and decides for its client id', async () => {
    const permission = await aPermission();
    const role = await aRole([permission]);
    const app = { kind: 'application' as const, id: randomUUID() };

    await assignments.add({ subject: app, roleId: role });

    expect(await subjects.findById(app.id)).toMatchObject({ kind: 'application' });
    expect((await engine.decide({ subject: app, permission })).decision).toBe('allow');
  });

  it('refuses an assignment to an unknown person, to a missing role, and to an id of another kind', async () => {
    const role = await aRole();
    const person = await aPerson();

    await expect(assignments.add({ subject: { kind: 'person', id: unique('nobody') }, roleId: role })).rejects.toMatchObject({
      code: 'RBAC.ADMIN_SUBJECT_NOT_FOUND',
    });
    await expect(assignments.add({ subject: person, roleId: unique('missing') })).rejects.toMatchObject({ code: 'RBAC.ADMIN_ROLE_NOT_FOUND' });
    await expect(assignments.add({ subject: { kind: 'application', id: person.id }, roleId: role })).rejects.toMatchObject({
      code: 'RBAC.ADMIN_SUBJECT_KIND_MISMATCH',
    });
    await expect(assignments.remove({ subject: person, roleId: role })).rejects.toMatchObject({ code: 'RBAC.ADMIN_ASSIGNMENT_NOT_FOUND' });
  });

  it('refuses a role with a permission outside the registry, and deleting a role another role includes', async () => {
    const child = await aRole();
    await aRole([], [child]);

    await expect(aRole(['never:registered'])).rejects.toMatchObject({ code: 'RBAC.ADMIN_PERMISSION_UNKNOWN' });
    await expect(roles.deleteRole(child)).rejects.toMatchObject({ code: 'RBAC.ADMIN_ROLE_INCLUDED' });
  });

  it('publishes each change as one rbac.changed in the outbox, with strictly increasing versions and the ids touched', async () => {
    const before = (await changed()).length;
    const permission = await aPermission();
    const role = await aRole([permission]);
    const person = await aPerson();
    await assignments.add({ subject: person, roleId: role, tenantId: TENANT_A });
    await assignments.add({ subject: person, roleId: role, tenantId: TENANT_A }); // already there: no change
    await assignments.remove({ subject: person, roleId: role, tenantId: TENANT_A });
    await roles.updateRole(role, { description: 'changed' });
    await roles.deleteRole(role);

    const mine = (await changed()).slice(before);
    expect(mine.map(({ change, ids }) => ({ change, ids }))).toEqual([
      { change: 'permission.upserted', ids: { permissionId: permission } },
      { change: 'role.upserted', ids: { roleId: role } },
      { change: 'assignment.added', ids: { subjectId: person.id, roleId: role, tenantId: TENANT_A } },
      { change: 'assignment.removed', ids: { subjectId: person.id, roleId: role, tenantId: TENANT_A } },
      { change: 'role.upserted', ids: { roleId: role } },
      { change: 'role.deleted', ids: { roleId: role } },
    ]);
    const versions = mine.map((c) => c.version);
    expect(versions.every((v, i) => i === 0 || v > versions[i - 1])).toBe(true);
    expect(await new PolicyVersionRepository(db).committed()).toBe(versions[versions.length - 1]);
  });

  it('keeps versions strictly increasing in commit order under concurrent changes', async () => {
    const before = (await changed()).length;

    await Promise.all(Array.from({ length: 10 }, () => aPermission()));

    const versions = (await changed()).slice(before).map((c) => c.version);
    expect(versions).toHaveLength(10);
    expect(versions.every((v, i) => i === 0 || v > versions[i - 1])).toBe(true);
  });

  it('round-trips the endpoint registry, adds the permissions it names, and publishes only when the list changed', async () => {
    const service = unique('svc');
    const permission = `${unique('invoices')}:read`;
    const list = [
      { method: 'GET' as const, path: '/invoices', scope: 'invoices.read', permission, public: false },
      { method: 'GET' as const, path: '/healthz', scope: null, permission: null, public: true },
    ];
    const before = (await changed()).length;

    const first = await endpoints.register(service, list);
    const again = await endpoints.register(service, [...list].reverse());
    const replaced = await endpoints.register(service, [list[1]]);

    expect(first).toMatchObject({ service, permissionsAdded: [permission], changed: true });
    expect(first.endpoints.map((e) => [e.method, e.path, e.scope, e.permission, e.public])).toEqual([
      ['GET', '/healthz', null, null, true],
      ['GET', '/invoices', 'invoices.read', permission, false],
    ]);
    expect(again).toMatchObject({ permissionsAdded: [], changed: false });
    expect(replaced.endpoints.map((e) => e.path)).toEqual(['/healthz']);
    expect((await endpoints.list()).filter((e) => e.service === service).map((e) => e.path)).toEqual(['/healthz']);
    expect((await changed()).slice(before).map((c) => [c.change, c.ids])).toEqual([
      ['endpoint.registered', { serviceId: service }],
      ['endpoint.registered', { serviceId: service }],
    ]);
    const person = await aPerson();
    expect((await engine.decide({ subject: person, permission })).reason).toBe('no-role-grants');
  });
});
