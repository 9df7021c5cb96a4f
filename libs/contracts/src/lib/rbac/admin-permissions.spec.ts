import { ADMIN_PERMISSION_IDS, OPERATOR_ROLES } from './admin-permissions';

/** The rbac service's permission pattern (`resource:action`), restated so that a catalogue entry it would refuse fails here. */
const PERMISSION = /^[a-z][a-z0-9._-]{0,62}:[a-z][a-z0-9._-]{0,62}$/;

describe('admin permissions', () => {
  it('names every permission as resource:action', () => {
    for (const id of ADMIN_PERMISSION_IDS) expect(id).toMatch(PERMISSION);
  });

  it('gives the platform operator every permission, and the auditor only reading ones', () => {
    const role = (id: string) => OPERATOR_ROLES.find((r) => r.id === id)?.permissions ?? [];
    expect([...role('platform-operator')].sort()).toEqual([...ADMIN_PERMISSION_IDS].sort());
    expect(role('auditor').length).toBeGreaterThan(0);
    expect(role('auditor').every((id) => id.endsWith(':read'))).toBe(true);
    expect(role('security-operator')).toEqual(expect.arrayContaining(['access:revoke', 'abuse.cases:close']));
    expect(role('security-operator')).not.toContain('rbac.policy:write');
  });

  it('lists each permission of a role once', () => {
    for (const role of OPERATOR_ROLES) expect(new Set(role.permissions).size).toBe(role.permissions.length);
  });
});
