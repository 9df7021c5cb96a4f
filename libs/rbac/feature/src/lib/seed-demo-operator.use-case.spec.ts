import type { Database } from '@latchkey/persistence';
import { RBAC_MIGRATIONS, RBAC_SCHEMA, SubjectRepository } from '@latchkey/rbac/data-access';
import { openMigratedPglite } from '@latchkey/testing';
import { hashApiKey } from '@latchkey/tokens';
import { DEMO_OPERATOR_ID, PLATFORM_OPERATOR_ROLE, SeedDemoOperatorUseCase } from './seed-demo-operator.use-case';

describe(SeedDemoOperatorUseCase.name, () => {
  let db: Database;
  let subjects: SubjectRepository;
  let seed: SeedDemoOperatorUseCase;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    subjects = new SubjectRepository(db);
    seed = new SeedDemoOperatorUseCase(db, subjects);
  });

  afterAll(() => db.close());

  // The demo operator and its role have fixed ids, so each test starts from empty tables.
  beforeEach(() => db.query('TRUNCATE rbac.assignments, rbac.subjects, rbac.roles'));

  it('creates the demo operator and returns its API key', async () => {
    const result = await seed.execute();

    expect(result).toEqual({ operatorId: DEMO_OPERATOR_ID, apiKey: expect.stringMatching(/^lk_op_/) });
    expect(await subjects.findById(DEMO_OPERATOR_ID)).toMatchObject({ kind: 'operator', tenantId: null });
  });

  it('stores the digest of the returned key, never the key', async () => {
    const { apiKey } = await seed.execute();

    const stored = await subjects.findById(DEMO_OPERATOR_ID);
    expect(stored?.apiKeyHash).toBe(hashApiKey(apiKey ?? ''));
    expect(stored?.apiKeyHash).not.toContain(apiKey);
  });

  it('gives the operator the platform-operator role with the admin permissions', async () => {
    await seed.execute();

    expect(await subjects.rolesOf(DEMO_OPERATOR_ID)).toEqual([PLATFORM_OPERATOR_ROLE]);
    const [role] = await db.query<{ permissions: string[] }>('SELECT permissions FROM rbac.roles WHERE id = $1', [PLATFORM_OPERATOR_ROLE]);
    expect(role.permissions).toEqual(expect.arrayContaining(['isv:approve', 'access:revoke', 'audit:read', 'rbac:admin']));
  });

  it('returns no key and keeps the stored digest when the operator exists', async () => {
    const { apiKey } = await seed.execute();

    const again = await seed.execute();

    expect(again).toEqual({ operatorId: DEMO_OPERATOR_ID });
    expect((await subjects.findById(DEMO_OPERATOR_ID))?.apiKeyHash).toBe(hashApiKey(apiKey ?? ''));
    expect(await subjects.rolesOf(DEMO_OPERATOR_ID)).toEqual([PLATFORM_OPERATOR_ROLE]);
  });

  it('restores the role permissions on a second run', async () => {
    await seed.execute();
    await db.query('UPDATE rbac.roles SET permissions = $1 WHERE id = $2', ['{}', PLATFORM_OPERATOR_ROLE]);

    await seed.execute();

    const [role] = await db.query<{ permissions: string[] }>('SELECT permissions FROM rbac.roles WHERE id = $1', [PLATFORM_OPERATOR_ROLE]);
    expect(role.permissions).toContain('rbac:admin');
  });
});

describe(`${SeedDemoOperatorUseCase.name} atomicity`, () => {
  it('leaves no operator behind when assigning its role fails, so a retry still returns a key', async () => {
    const db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    try {
      const subjects = new SubjectRepository(db);
      const failing = Object.create(subjects) as SubjectRepository;
      failing.assign = async () => {
        throw new Error('assignment store unavailable');
      };
      await expect(new SeedDemoOperatorUseCase(db, failing).execute()).rejects.toThrow('assignment store unavailable');
      expect(await subjects.findById(DEMO_OPERATOR_ID)).toBeUndefined();
      expect((await new SeedDemoOperatorUseCase(db, subjects).execute()).apiKey).toMatch(/^lk_op_/);
    } finally {
      await db.close();
    }
  });
});
