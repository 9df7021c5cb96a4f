import { ADMIN_PERMISSION_IDS, OPERATOR_ROLES, RbacChangedV1 } from '@latchkey/contracts';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import {
  ANY_TENANT,
  PermissionRepository,
  PolicyVersionRepository,
  RBAC_MIGRATIONS,
  RBAC_SCHEMA,
  RoleRepository,
  SubjectRepository,
} from '@latchkey/rbac/data-access';
import { openMigratedPglite } from '@latchkey/testing';
import { PolicyChanges } from './policy/policy-changes';
import { PLATFORM_OPERATOR_ROLE, SeedDemoOperatorUseCase } from './seed-demo-operator.use-case';

const PERSON = { personId: 'p_5b0c3f9e-7a51-4b43-9d55-0a3a1f3c0001', tenantId: 'de700000-0000-4000-8000-000000000001', displayName: 'Demo User' };
const ROLE_IDS = OPERATOR_ROLES.map((r) => r.id);

/** The seed with its real collaborators on `db`; `subjects` may be replaced to inject a failure. */
function seedOn(db: Database, subjects: SubjectRepository = new SubjectRepository(db)): SeedDemoOperatorUseCase {
  const outbox = new OutboxWriter(new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) }), RBAC_SCHEMA);
  const changes = new PolicyChanges(new PolicyVersionRepository(db), outbox);
  return new SeedDemoOperatorUseCase(db, subjects, new RoleRepository(db), new PermissionRepository(db), changes);
}

/** The `rbac.changed` events in the outbox, oldest first, as `<change> <name>=<id>…`. */
async function published(db: Database): Promise<string[]> {
  const rows = await db.query<{ envelope: { data: unknown } }>('SELECT envelope FROM rbac.outbox ORDER BY id');
  return rows.map((r) => {
    const { change, ids } = RbacChangedV1.data.parse(r.envelope.data);
    return [change, ...Object.entries(ids).map(([name, id]) => `${name}=${id}`)].join(' ');
  });
}

describe(SeedDemoOperatorUseCase.name, () => {
  let db: Database;
  let subjects: SubjectRepository;
  let roles: RoleRepository;
  let seed: SeedDemoOperatorUseCase;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    subjects = new SubjectRepository(db);
    roles = new RoleRepository(db);
    seed = seedOn(db, subjects);
  });

  afterAll(() => db.close());

  // The roles and the person have fixed ids, so each test starts from empty tables.
  beforeEach(() => db.query('TRUNCATE rbac.assignments, rbac.subjects, rbac.role_includes, rbac.roles, rbac.permissions, rbac.outbox'));

  it('seeds every operator role of the catalogue with its permissions, registered with their descriptions', async () => {
    const result = await seed.execute();

    expect(result).toEqual({ roles: ROLE_IDS });
    for (const wanted of OPERATOR_ROLES) {
      const stored = await roles.findById(wanted.id);
      expect({ id: wanted.id, description: stored?.description, permissions: [...(stored?.permissions ?? [])].sort() }).toEqual({
        id: wanted.id,
        description: wanted.description,
        permissions: [...wanted.permissions].sort(),
      });
    }
    expect([...(await roles.findById(PLATFORM_OPERATOR_ROLE))!.permissions].sort()).toEqual([...ADMIN_PERMISSION_IDS].sort());
    const registered = await new PermissionRepository(db).list();
    expect(registered.map((p) => p.id).sort()).toEqual([...ADMIN_PERMISSION_IDS].sort());
    expect(registered.find((p) => p.id === 'issuer.isvs:read')).toMatchObject({ registeredBy: 'seed', description: expect.stringContaining('ISVs') });
  });

  it('creates no operator subject and no assignment without a person', async () => {
    await seed.execute();

    expect(await subjects.list({ limit: 10 })).toEqual([]);
    expect(await subjects.assignmentsOf(undefined)).toEqual([]);
  });

  it('registers the given person and gives them platform-operator in every tenant', async () => {
    const result = await seed.execute(PERSON);

    expect(result).toEqual({ roles: ROLE_IDS, operator: { personId: PERSON.personId, roles: [PLATFORM_OPERATOR_ROLE] } });
    expect(await subjects.findById(PERSON.personId)).toMatchObject({
      kind: 'person',
      tenantId: PERSON.tenantId,
      displayName: PERSON.displayName,
      apiKeyHash: null,
    });
    expect(await subjects.assignmentsOf([PERSON.personId])).toEqual([
      { subjectId: PERSON.personId, roleId: PLATFORM_OPERATOR_ROLE, tenantId: ANY_TENANT },
    ]);
  });

  it('assigns the role to a person identity.created registered first, keeping what it stored', async () => {
    await subjects.insertIfAbsent({ id: PERSON.personId, kind: 'person', tenantId: PERSON.tenantId, displayName: 'Name from the token' });

    await seed.execute(PERSON);

    expect(await subjects.findById(PERSON.personId)).toMatchObject({ kind: 'person', displayName: 'Name from the token' });
    expect(await subjects.rolesOf(PERSON.personId)).toEqual([PLATFORM_OPERATOR_ROLE]);
  });

  it('refuses a person id that names a subject of another kind, changing nothing', async () => {
    await subjects.insertIfAbsent({ id: PERSON.personId, kind: 'application' });

    await expect(seed.execute(PERSON)).rejects.toThrow('not as a person');

    expect(await subjects.rolesOf(PERSON.personId)).toEqual([]);
    expect(await roles.list()).toEqual([]);
  });

  it('publishes each role and the assignment once: a second run publishes nothing', async () => {
    await seed.execute(PERSON);
    await seed.execute(PERSON);

    expect(await published(db)).toEqual([
      ...ROLE_IDS.map((id) => `role.upserted roleId=${id}`),
      `assignment.added roleId=${PLATFORM_OPERATOR_ROLE} subjectId=${PERSON.personId}`,
    ]);
  });

  it('sets a changed role back to the catalogue’s permissions and description, publishing that role only', async () => {
    await seed.execute();
    await db.query('UPDATE rbac.roles SET permissions = $1 WHERE id = $2', ['{}', 'auditor']);
    await db.query('UPDATE rbac.roles SET description = $1 WHERE id = $2', ['old words', PLATFORM_OPERATOR_ROLE]);
    await db.query('TRUNCATE rbac.outbox');

    await seed.execute();

    const auditor = OPERATOR_ROLES.find((r) => r.id === 'auditor');
    expect([...(await roles.findById('auditor'))!.permissions].sort()).toEqual([...(auditor?.permissions ?? [])].sort());
    expect((await roles.findById(PLATFORM_OPERATOR_ROLE))?.description).toBe(OPERATOR_ROLES[0]?.description);
    expect((await published(db)).sort()).toEqual(['role.upserted roleId=auditor', `role.upserted roleId=${PLATFORM_OPERATOR_ROLE}`]);
  });

  it('replaces the permissions of an older platform-operator role (an earlier seed’s), registering the new ones', async () => {
    await new PermissionRepository(db).registerMissing([{ id: 'isv:approve' }, { id: 'rbac:admin' }], 'seed');
    await roles.upsert({ id: PLATFORM_OPERATOR_ROLE, description: 'Approves ISVs', permissions: ['isv:approve', 'rbac:admin'] });

    await seed.execute();

    expect([...(await roles.findById(PLATFORM_OPERATOR_ROLE))!.permissions].sort()).toEqual([...ADMIN_PERMISSION_IDS].sort());
  });
});

describe(`${SeedDemoOperatorUseCase.name} atomicity`, () => {
  it('leaves no role, person or event behind when assigning the role fails, so a retry seeds everything', async () => {
    const db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    try {
      const subjects = new SubjectRepository(db);
      const failing = Object.create(subjects) as SubjectRepository;
      failing.assign = async () => {
        throw new Error('assignment store unavailable');
      };
      await expect(seedOn(db, failing).execute(PERSON)).rejects.toThrow('assignment store unavailable');
      expect(await subjects.findById(PERSON.personId)).toBeUndefined();
      expect(await new RoleRepository(db).list()).toEqual([]);
      expect(await published(db)).toEqual([]);

      await seedOn(db, subjects).execute(PERSON);
      expect(await subjects.rolesOf(PERSON.personId)).toEqual([PLATFORM_OPERATOR_ROLE]);
    } finally {
      await db.close();
    }
  });
});
