import { CasbinPolicy, splitPermission, type PolicySnapshot } from './casbin-policy';

const TENANT_A = '7f3c0b1e-2d4a-4c6b-9e8f-0a1b2c3d4e5f';
const TENANT_B = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';

function snapshot(overrides: Partial<PolicySnapshot> = {}): PolicySnapshot {
  return {
    version: 7,
    permissions: ['reports:read', 'reports:write'],
    roles: [
      { id: 'reader', permissions: ['reports:read'] },
      { id: 'writer', permissions: ['reports:write'] },
      { id: 'editor', permissions: [] },
    ],
    inclusions: [{ roleId: 'editor', includedRoleId: 'reader' }],
    assignments: [],
    ...overrides,
  };
}

describe(CasbinPolicy.name, () => {
  it('maps resource:action to object and action', () => {
    expect(splitPermission('reports:read')).toEqual(['reports', 'read']);
  });

  it('grants nothing without an assignment, and knows only registered permissions', async () => {
    const policy = await CasbinPolicy.build(snapshot());

    expect(policy.version).toBe(7);
    expect(policy.knows('reports:read')).toBe(true);
    expect(policy.knows('reports:delete')).toBe(false);
    expect(policy.grantingRole({ kind: 'person', id: 'p1' }, undefined, 'reports:read')).toBeUndefined();
  });

  it('grants through an included role, naming the role holding the permission', async () => {
    const policy = await CasbinPolicy.build(snapshot({ assignments: [{ subjectId: 'p1', kind: 'person', roleId: 'editor', tenantId: '*' }] }));

    expect(policy.grantingRole({ kind: 'person', id: 'p1' }, TENANT_A, 'reports:read')).toBe('reader');
    expect(policy.grantingRole({ kind: 'person', id: 'p1' }, TENANT_A, 'reports:write')).toBeUndefined();
  });

  it('keeps subjects of different kinds with the same id apart', async () => {
    const policy = await CasbinPolicy.build(snapshot({ assignments: [{ subjectId: 'x', kind: 'application', roleId: 'reader', tenantId: '*' }] }));

    expect(policy.grantingRole({ kind: 'application', id: 'x' }, undefined, 'reports:read')).toBe('reader');
    expect(policy.grantingRole({ kind: 'person', id: 'x' }, undefined, 'reports:read')).toBeUndefined();
  });

  it('confines a tenant assignment to its tenant, across inclusions too', async () => {
    const policy = await CasbinPolicy.build(snapshot({ assignments: [{ subjectId: 'p1', kind: 'person', roleId: 'editor', tenantId: TENANT_A }] }));

    expect(policy.grantingRole({ kind: 'person', id: 'p1' }, TENANT_A, 'reports:read')).toBe('reader');
    expect(policy.grantingRole({ kind: 'person', id: 'p1' }, TENANT_B, 'reports:read')).toBeUndefined();
    expect(policy.grantingRole({ kind: 'person', id: 'p1' }, undefined, 'reports:read')).toBeUndefined();
  });

  it('loads duplicated rows once', async () => {
    const assignment = { subjectId: 'p1', kind: 'person' as const, roleId: 'reader', tenantId: '*' };
    const policy = await CasbinPolicy.build(
      snapshot({ roles: [{ id: 'reader', permissions: ['reports:read', 'reports:read'] }], inclusions: [], assignments: [assignment, assignment] }),
    );

    expect(policy.grantingRole({ kind: 'person', id: 'p1' }, undefined, 'reports:read')).toBe('reader');
  });

  it('answers a repeated question as the first time, per subject, tenant and permission (the remembered answers stay apart)', async () => {
    const policy = await CasbinPolicy.build(snapshot({ assignments: [{ subjectId: 'p1', kind: 'person', roleId: 'editor', tenantId: TENANT_A }] }));
    const ask = () => [
      policy.grantingRole({ kind: 'person', id: 'p1' }, TENANT_A, 'reports:read'),
      policy.grantingRole({ kind: 'person', id: 'p1' }, TENANT_B, 'reports:read'),
      policy.grantingRole({ kind: 'person', id: 'p1' }, TENANT_A, 'reports:write'),
      policy.grantingRole({ kind: 'application', id: 'p1' }, TENANT_A, 'reports:read'),
    ];
    const first = ask();
    expect(first).toEqual(['reader', undefined, undefined, undefined]);
    expect(ask()).toEqual(first);
  });
});
