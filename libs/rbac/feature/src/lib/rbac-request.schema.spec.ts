import { LatchkeyError } from '@latchkey/contracts';
import { AssignmentQuery, CreatePermissionBody, CreateRoleBody, UpdateRoleBody } from './admin/admin-request.schema';
import { DecisionBody } from './decisions/decision-request.schema';
import { EndpointListBody } from './endpoints/endpoint-request.schema';
import { parseRbacInput } from './rbac-request.schema';

/** The message of the refusal, or 'accepted'. */
function refusal(schema: Parameters<typeof parseRbacInput>[0], input: unknown): string {
  try {
    parseRbacInput(schema, input, 'body');
    return 'accepted';
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    expect(error.code).toBe('RBAC.ADMIN_REQUEST_INVALID');
    return error.message;
  }
}

describe(parseRbacInput.name, () => {
  it('refuses an unknown field, naming the object and never the value', () => {
    const message = refusal(DecisionBody, { subject: { kind: 'person', id: 'p1' }, permission: 'a:b', tenant: 'secret-looking-value' });

    expect(message).toBe('The body has unknown fields.');
    expect(message).not.toContain('secret-looking-value');
  });

  it('names the field of a bad value without echoing it', () => {
    const message = refusal(DecisionBody, { subject: { kind: 'robot', id: 'p1' }, permission: 'a:b' });

    expect(message).toContain('subject.kind');
    expect(message).not.toContain('robot');
  });

  it('accepts any printable permission text in a decision (an unknown one is a deny, not a refusal) and lowers the tenant', () => {
    const parsed = DecisionBody.parse({
      subject: { kind: 'person', id: 'p1' },
      permission: 'Whatever',
      tenantId: '7F3C0B1E-2D4A-4C6B-9E8F-0A1B2C3D4E5F',
    });

    expect(parsed).toMatchObject({ permission: 'Whatever', tenantId: '7f3c0b1e-2d4a-4c6b-9e8f-0a1b2c3d4e5f' });
  });

  it('refuses a malformed permission in a decision: a space, a control character, non-ASCII, empty or longer than 128', () => {
    for (const permission of ['rbac.policy:write ', ' a:b', 'a b', 'a:b\u0000', 'a:\tb', 'ä:b', '', 'a'.repeat(129)]) {
      expect({ permission, refused: refusal(DecisionBody, { subject: { kind: 'person', id: 'p1' }, permission }) }).toEqual({
        permission,
        refused: expect.stringContaining('permission'),
      });
    }
    expect(refusal(DecisionBody, { subject: { kind: 'person', id: 'p1' }, permission: 'a'.repeat(128) })).toBe('accepted');
  });

  it('refuses a tenant that is not a GUID, so nothing can pass for the every-tenant wildcard', () => {
    expect(refusal(AssignmentQuery, { tenantId: '*' })).toContain('tenantId');
  });

  it('sorts and deduplicates a role’s permissions and includes, and refuses a malformed permission', () => {
    expect(CreateRoleBody.parse({ id: 'r', permissions: ['b:x', 'a:x', 'b:x'], includes: ['z', 'y', 'z'] })).toEqual({
      id: 'r',
      description: '',
      permissions: ['a:x', 'b:x'],
      includes: ['y', 'z'],
    });
    expect(refusal(CreateRoleBody, { id: 'r', permissions: ['no-colon'] })).toContain('permissions');
    expect(refusal(UpdateRoleBody, {})).toContain('no field to change');
  });

  it('refuses an endpoint list with a duplicate, a public endpoint with a permission, or a private one with nothing', () => {
    const get = { method: 'GET', path: '/a', scope: 'a.read', permission: 'a:read', public: false };

    expect(refusal(EndpointListBody, [get, get])).toContain('listed twice');
    expect(refusal(EndpointListBody, [{ ...get, public: true }])).toContain('public');
    expect(refusal(EndpointListBody, [{ ...get, scope: null, permission: null }])).toContain('public');
    expect(refusal(EndpointListBody, [get])).toBe('accepted');
  });
});

describe('PermissionId', () => {
  it('fits an rbac.changed id: 63 characters on each side at most', () => {
    expect(refusal(CreatePermissionBody, { id: `${'a'.repeat(63)}:${'b'.repeat(63)}` })).toBe('accepted');
    expect(refusal(CreatePermissionBody, { id: `${'a'.repeat(64)}:b` })).toContain('id');
  });

  it('refuses upper case wherever a permission is named: registered, granted by a role, or declared by an endpoint', () => {
    for (const id of ['Reports:read', 'reports:Read', 'Audit.events:read']) {
      expect(refusal(CreatePermissionBody, { id })).toContain('id');
      expect(refusal(CreateRoleBody, { id: 'r', permissions: ['reports:read', id] })).toContain('permissions');
      expect(refusal(UpdateRoleBody, { permissions: [id] })).toContain('permissions');
      expect(refusal(EndpointListBody, [{ method: 'GET', path: '/a', scope: null, permission: id, public: false }])).toContain('permission');
    }
    expect(refusal(CreatePermissionBody, { id: 'audit.events:read' })).toBe('accepted');
  });
});
