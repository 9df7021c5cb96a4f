import { RbacChangedV1 } from '@latchkey/contracts';
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
import { SAMPLE_API_ROLE, SeedDemoApiUserUseCase } from './seed-demo-api-user.use-case';
import { PLATFORM_OPERATOR_ROLE, SeedDemoOperatorUseCase } from './seed-demo-operator.use-case';

const PERSON = { personId: 'p_5b0c3f9e-7a51-4b43-9d55-0a3a1f3c0001', tenantId: 'de700000-0000-4000-8000-000000000001', displayName: 'Demo User' };
const ROLE = 'testapi-user';

/** The `rbac.changed` events in the outbox, oldest first, as `<change> <name>=<id>…`. */
async function published(db: Database): Promise<string[]> {
  const rows = await db.query<{ envelope: { data: unknown } }>('SELECT envelope FROM rbac.outbox ORDER BY id');
  return rows.map((r) => {
    const { change, ids } = RbacChangedV1.data.parse(r.envelope.data);
    return [change, ...Object.entries(ids).map(([name, id]) => `${name}=${id}`)].join(' ');
  });
}

describe(SeedDemoApiUserUseCase.name, () => {
  let db: Database;
  let subjects: SubjectRepository;
  let roles: RoleRepository;
  let permissions: PermissionRepository;
  let changes: PolicyChanges;
  let seed: SeedDemoApiUserUseCase;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    subjects = new SubjectRepository(db);
    roles = new RoleRepository(db);
    permissions = new PermissionRepository(db);
    const outbox = new OutboxWriter(
      new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) }),
      RBAC_SCHEMA,
    );
    changes = new PolicyChanges(new PolicyVersionRepository(db), outbox);
    seed = new SeedDemoApiUserUseCase(db, subjects, roles, permissions, changes);
  });

  afterAll(() => db.close());

  beforeEach(() => db.query('TRUNCATE rbac.assignments, rbac.subjects, rbac.role_includes, rbac.roles, rbac.permissions, rbac.outbox'));

  it('seeds testapi-user with testapi:read and testapi:write, registering them with their descriptions', async () => {
    const result = await seed.execute();

    expect(result).toEqual({ role: ROLE, permissions: ['testapi:read', 'testapi:write'] });
    const stored = await roles.findById(ROLE);
    expect({ description: stored?.description, permissions: [...(stored?.permissions ?? [])].sort() }).toEqual({
      description: SAMPLE_API_ROLE.description,
      permissions: ['testapi:read', 'testapi:write'],
    });
    expect((await permissions.list()).map((p) => [p.id, p.registeredBy, p.description.length > 0])).toEqual([
      ['testapi:read', 'seed', true],
      ['testapi:write', 'seed', true],
    ]);
    expect(await subjects.list({ limit: 10 })).toEqual([]);
  });

  it('keeps the permissions the testapi registered first (its endpoint registration), and seeds the role on them', async () => {
    await permissions.registerMissing([{ id: 'testapi:read' }, { id: 'testapi:write' }], 'endpoint:testapi');

    await seed.execute(PERSON);

    expect((await permissions.list()).map((p) => p.registeredBy)).toEqual(['endpoint:testapi', 'endpoint:testapi']);
    expect(await subjects.rolesOf(PERSON.personId)).toEqual([ROLE]);
  });

  it('gives the person the role in every tenant beside the operator role, and publishes each change once', async () => {
    await new SeedDemoOperatorUseCase(db, subjects, roles, permissions, changes).execute(PERSON);
    await db.query('TRUNCATE rbac.outbox');

    expect(await seed.execute(PERSON)).toEqual({ role: ROLE, permissions: ['testapi:read', 'testapi:write'], personId: PERSON.personId });
    await seed.execute(PERSON);

    expect(await subjects.assignmentsOf([PERSON.personId])).toEqual(
      expect.arrayContaining([
        { subjectId: PERSON.personId, roleId: PLATFORM_OPERATOR_ROLE, tenantId: ANY_TENANT },
        { subjectId: PERSON.personId, roleId: ROLE, tenantId: ANY_TENANT },
      ]),
    );
    expect(await published(db)).toEqual([`role.upserted roleId=${ROLE}`, `assignment.added roleId=${ROLE} subjectId=${PERSON.personId}`]);
  });

  it('registers a person the exchange has not announced yet as a subject', async () => {
    await seed.execute(PERSON);

    expect(await subjects.findById(PERSON.personId)).toMatchObject({ kind: 'person', tenantId: PERSON.tenantId, displayName: PERSON.displayName });
  });

  it('sets a changed role back, publishing that change only', async () => {
    await seed.execute(PERSON);
    await db.query('UPDATE rbac.roles SET permissions = $1 WHERE id = $2', ['{testapi:read}', ROLE]);
    await db.query('TRUNCATE rbac.outbox');

    await seed.execute(PERSON);

    expect([...((await roles.findById(ROLE))?.permissions ?? [])].sort()).toEqual(['testapi:read', 'testapi:write']);
    expect(await published(db)).toEqual([`role.upserted roleId=${ROLE}`]);
  });

  it('refuses a person id that names a subject of another kind, changing nothing', async () => {
    await subjects.insertIfAbsent({ id: PERSON.personId, kind: 'application' });

    await expect(seed.execute(PERSON)).rejects.toThrow('not as a person');

    expect(await roles.list()).toEqual([]);
    expect(await published(db)).toEqual([]);
  });
});
