import { randomUUID } from 'node:crypto';
import { LatchkeyError } from '@latchkey/contracts';
import { ClientIdParam, CreateApplicationBody, NoBody, parseAdminInput, UpdateApplicationBody } from './admin-request.schema';

const TENANT = '72F988BF-86F1-41AF-91AB-2D7CD011DB47';
const minimal = { displayName: 'Reports', scopes: { 'testapi.read': ['testapi:read'] } };

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof LatchkeyError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe(parseAdminInput.name, () => {
  it('fills closed defaults for a minimal application', () => {
    expect(parseAdminInput(CreateApplicationBody, minimal, 'body')).toEqual({
      displayName: 'Reports',
      scopes: { 'testapi.read': ['testapi:read'] },
      tokenLifetimeSeconds: 3600,
      allowedTenantIds: [],
      allowedSourceAppIds: [],
      appOnlyPolicy: 'deny',
      requireClientMatch: true,
      provisioning: 'create',
      enabled: true,
    });
  });

  it('stores tenant and app GUIDs in lower case, each once, and permissions each once', () => {
    const parsed = parseAdminInput(
      CreateApplicationBody,
      { ...minimal, scopes: { 'a.read': ['a:read', 'a:read'] }, allowedTenantIds: [TENANT, TENANT.toLowerCase()], allowedSourceAppIds: [TENANT] },
      'body',
    );

    expect(parsed).toMatchObject({
      scopes: { 'a.read': ['a:read'] },
      allowedTenantIds: [TENANT.toLowerCase()],
      allowedSourceAppIds: [TENANT.toLowerCase()],
    });
  });

  it('accepts URI-shaped scope names like api://latchkey/testapi.read', () => {
    expect(parseAdminInput(CreateApplicationBody, { ...minimal, scopes: { 'api://latchkey/testapi.read': [] } }, 'body').scopes).toEqual({
      'api://latchkey/testapi.read': [],
    });
  });

  it.each([
    [{ ...minimal, allowedTenantId: [TENANT] }, 'The body has unknown fields.'],
    [{ scopes: {} }, 'The body field displayName is invalid (expected string).'],
    [{ ...minimal, tokenLifetimeSeconds: 59 }, 'The body field tokenLifetimeSeconds is invalid (too_small).'],
    [{ ...minimal, tokenLifetimeSeconds: 86_401 }, 'The body field tokenLifetimeSeconds is too large.'],
    [{ ...minimal, tokenLifetimeSeconds: 600.5 }, 'The body field tokenLifetimeSeconds is invalid (expected int).'],
    [{ ...minimal, provisioning: 'maybe' }, 'The body field provisioning must be one of: create, link-only, deny.'],
    [{ ...minimal, appOnlyPolicy: 'sometimes' }, 'The body field appOnlyPolicy must be one of: allow, deny.'],
    [{ ...minimal, allowedTenantIds: ['contoso.onmicrosoft.com'] }, 'The body field allowedTenantIds.0 is invalid (invalid_format).'],
  ])('refuses %j naming the field', (body, message) => {
    expect(refusal(() => parseAdminInput(CreateApplicationBody, body, 'body'))).toEqual({ code: 'EXCHANGE.ADMIN_REQUEST_INVALID', message });
  });

  it('refuses a permission that is not resource:action, naming the scope map but not the scope', () => {
    const refused = refusal(() => parseAdminInput(CreateApplicationBody, { ...minimal, scopes: { 'secret.scope': ['read'] } }, 'body'));

    expect(refused.code).toBe('EXCHANGE.ADMIN_REQUEST_INVALID');
    expect(refused.message).toMatch(/^The body field scopes is invalid/);
    expect(refused.message).not.toContain('secret.scope');
  });

  it.each(['Audit.events:read', 'TestApi:Read'])(
    'refuses a permission in upper case (%s): RBAC compares exactly, so it would grant nothing',
    (permission) => {
      const refused = refusal(() => parseAdminInput(CreateApplicationBody, { ...minimal, scopes: { 'testapi.read': [permission] } }, 'body'));
      expect(refused.code).toBe('EXCHANGE.ADMIN_REQUEST_INVALID');
    },
  );

  it('never echoes a value, even one pasted into the wrong field', () => {
    const secret = `lk_app_${randomUUID()}`;
    for (const body of [
      { ...minimal, displayName: `${secret}\u0007` },
      { ...minimal, clientId: `${secret}/x` },
      { ...minimal, scopes: { [`${secret} x`]: [] } },
      { ...minimal, [secret]: true },
      { ...minimal, provisioning: secret },
    ]) {
      expect(refusal(() => parseAdminInput(CreateApplicationBody, body, 'body')).message).not.toContain(secret);
    }
  });

  it('refuses an update that changes nothing, or an unknown field', () => {
    expect(refusal(() => parseAdminInput(UpdateApplicationBody, {}, 'body')).message).toBe('The body is invalid (no field to change).');
    expect(refusal(() => parseAdminInput(UpdateApplicationBody, { clientId: 'x' }, 'body')).message).toBe('The body has unknown fields.');
    expect(refusal(() => parseAdminInput(UpdateApplicationBody, { clientSecretHash: 'x' }, 'body')).message).toBe('The body has unknown fields.');
  });

  it('accepts a partial update and leaves absent fields undefined', () => {
    expect(parseAdminInput(UpdateApplicationBody, { provisioning: 'link-only' }, 'body')).toEqual({ provisioning: 'link-only' });
  });

  it('accepts GUID and simple client ids, refuses others', () => {
    expect(parseAdminInput(ClientIdParam, randomUUID(), 'client id')).toBeDefined();
    expect(parseAdminInput(ClientIdParam, 'reports-client.v2', 'client id')).toBe('reports-client.v2');
    expect(refusal(() => parseAdminInput(ClientIdParam, '../etc', 'client id')).code).toBe('EXCHANGE.ADMIN_REQUEST_INVALID');
    expect(refusal(() => parseAdminInput(ClientIdParam, 'x'.repeat(129), 'client id')).code).toBe('EXCHANGE.ADMIN_REQUEST_INVALID');
  });

  it('accepts no body or an empty one where a route takes none, and refuses any field', () => {
    expect(parseAdminInput(NoBody, undefined, 'body')).toBeUndefined();
    expect(parseAdminInput(NoBody, {}, 'body')).toEqual({});
    expect(refusal(() => parseAdminInput(NoBody, { enabled: true }, 'body')).message).toBe('The body has unknown fields.');
  });
});
