import fc from 'fast-check';
import { decideApplication, type ApplicationPolicy, type PrincipalFacts } from './decide-application';

const CLIENT = '0b5c1a8e-2f3d-4e6a-9b7c-1d2e3f4a5b6c';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

function anApplication(overrides: Partial<ApplicationPolicy> = {}): ApplicationPolicy {
  return {
    clientId: CLIENT,
    enabled: true,
    scopes: { 'testapi.read': ['testapi:read'], 'testapi.write': ['testapi:read', 'testapi:write'], 'reports.read': [] },
    tokenLifetimeSeconds: 900,
    allowedTenantIds: [],
    allowedSourceAppIds: [],
    appOnlyPolicy: 'deny',
    requireClientMatch: true,
    provisioning: 'create',
    ...overrides,
  };
}

function aPrincipal(overrides: Partial<PrincipalFacts> = {}): PrincipalFacts {
  return { tenantId: TENANT, objectId: OTHER, appId: CLIENT, appOnly: false, scopes: ['access_as_user'], roles: [], ...overrides };
}

describe(decideApplication.name, () => {
  it('grants the requested scopes the application allows, with their permissions, lifetime and provisioning', () => {
    expect(decideApplication(anApplication(), aPrincipal(), ['testapi.read'])).toEqual({
      ok: true,
      clientId: CLIENT,
      scopes: ['testapi.read'],
      permissions: ['testapi:read'],
      lifetimeSeconds: 900,
      provisioning: 'create',
    });
  });

  it('grants only the intersection of requested and allowed scopes, in request order, permissions once each and sorted', () => {
    const decision = decideApplication(anApplication(), aPrincipal(), ['testapi.write', 'unknown.scope', 'testapi.read', 'testapi.write']);

    expect(decision).toMatchObject({ ok: true, scopes: ['testapi.write', 'testapi.read'], permissions: ['testapi:read', 'testapi:write'] });
  });

  it('grants a scope that carries no permission', () => {
    expect(decideApplication(anApplication(), aPrincipal(), ['reports.read'])).toMatchObject({ ok: true, scopes: ['reports.read'], permissions: [] });
  });

  it('refuses CLIENT_UNKNOWN when the client id names no application', () => {
    expect(decideApplication(undefined, aPrincipal(), ['testapi.read'])).toEqual({ ok: false, code: 'EXCHANGE.CLIENT_UNKNOWN' });
  });

  it('refuses CLIENT_DISABLED when the application is disabled, before any other check', () => {
    const app = anApplication({ enabled: false, allowedTenantIds: [OTHER] });

    expect(decideApplication(app, aPrincipal(), ['nothing'])).toEqual({ ok: false, code: 'EXCHANGE.CLIENT_DISABLED' });
  });

  it('accepts any trusted tenant when the tenant allow-list is empty', () => {
    expect(decideApplication(anApplication(), aPrincipal({ tenantId: OTHER }), ['testapi.read']).ok).toBe(true);
  });

  it('accepts a listed tenant, whatever the GUID’s letter case', () => {
    const app = anApplication({ allowedTenantIds: [OTHER, TENANT.toUpperCase()] });

    expect(decideApplication(app, aPrincipal(), ['testapi.read']).ok).toBe(true);
  });

  it('refuses SOURCE_TENANT_NOT_ALLOWED when the tenant is outside a non-empty allow-list', () => {
    const app = anApplication({ allowedTenantIds: [OTHER] });

    expect(decideApplication(app, aPrincipal(), ['testapi.read'])).toEqual({ ok: false, code: 'EXCHANGE.SOURCE_TENANT_NOT_ALLOWED' });
  });

  it('refuses APP_ONLY_NOT_ALLOWED for an app-only token when the policy is deny', () => {
    expect(decideApplication(anApplication(), aPrincipal({ appOnly: true }), ['testapi.read'])).toEqual({
      ok: false,
      code: 'EXCHANGE.APP_ONLY_NOT_ALLOWED',
    });
  });

  it('accepts an app-only token when the policy is allow', () => {
    const app = anApplication({ appOnlyPolicy: 'allow' });

    expect(decideApplication(app, aPrincipal({ appOnly: true, scopes: [], roles: ['Reports.Read.All'] }), ['testapi.read']).ok).toBe(true);
  });

  it('accepts a user token whatever the app-only policy', () => {
    expect(decideApplication(anApplication({ appOnlyPolicy: 'deny' }), aPrincipal({ appOnly: false }), ['testapi.read']).ok).toBe(true);
  });

  it('refuses CLIENT_MISMATCH when the client id is not the token’s azp/appid and the application requires the match', () => {
    expect(decideApplication(anApplication(), aPrincipal({ appId: OTHER }), ['testapi.read'])).toEqual({
      ok: false,
      code: 'EXCHANGE.CLIENT_MISMATCH',
    });
  });

  it('refuses CLIENT_MISMATCH when the token names no app and the application requires the match', () => {
    expect(decideApplication(anApplication(), aPrincipal({ appId: null }), ['testapi.read'])).toEqual({
      ok: false,
      code: 'EXCHANGE.CLIENT_MISMATCH',
    });
  });

  it('matches the client id to azp/appid whatever the letter case', () => {
    expect(decideApplication(anApplication(), aPrincipal({ appId: CLIENT.toUpperCase() }), ['testapi.read']).ok).toBe(true);
  });

  it('accepts another source app when the application does not require the match', () => {
    expect(decideApplication(anApplication({ requireClientMatch: false }), aPrincipal({ appId: OTHER }), ['testapi.read']).ok).toBe(true);
  });

  it('accepts any source app when the source app allow-list is empty, even a token naming none', () => {
    expect(decideApplication(anApplication({ requireClientMatch: false }), aPrincipal({ appId: null }), ['testapi.read']).ok).toBe(true);
  });

  it('refuses SOURCE_APP_NOT_ALLOWED when the source app is outside a non-empty allow-list', () => {
    const app = anApplication({ requireClientMatch: false, allowedSourceAppIds: [CLIENT] });

    expect(decideApplication(app, aPrincipal({ appId: OTHER }), ['testapi.read'])).toEqual({ ok: false, code: 'EXCHANGE.SOURCE_APP_NOT_ALLOWED' });
  });

  it('refuses SOURCE_APP_NOT_ALLOWED when the token names no app and the allow-list is not empty', () => {
    const app = anApplication({ requireClientMatch: false, allowedSourceAppIds: [CLIENT] });

    expect(decideApplication(app, aPrincipal({ appId: null }), ['testapi.read'])).toEqual({ ok: false, code: 'EXCHANGE.SOURCE_APP_NOT_ALLOWED' });
  });

  it('accepts a listed source app, whatever the letter case', () => {
    const app = anApplication({ requireClientMatch: false, allowedSourceAppIds: [OTHER.toUpperCase()] });

    expect(decideApplication(app, aPrincipal({ appId: OTHER }), ['testapi.read']).ok).toBe(true);
  });

  it('refuses PROVISIONING_DENIED for a person when the application maps nobody', () => {
    expect(decideApplication(anApplication({ provisioning: 'deny' }), aPrincipal(), ['testapi.read'])).toEqual({
      ok: false,
      code: 'EXCHANGE.PROVISIONING_DENIED',
    });
  });

  it('accepts an allowed app-only token when provisioning is deny (no person is mapped for it)', () => {
    const app = anApplication({ provisioning: 'deny', appOnlyPolicy: 'allow' });

    expect(decideApplication(app, aPrincipal({ appOnly: true }), ['testapi.read'])).toMatchObject({ ok: true, provisioning: 'deny' });
  });

  it('passes link-only provisioning on for the identity lookup', () => {
    expect(decideApplication(anApplication({ provisioning: 'link-only' }), aPrincipal(), ['testapi.read'])).toMatchObject({
      ok: true,
      provisioning: 'link-only',
    });
  });

  it('refuses SCOPE_NOT_ALLOWED when no requested scope is allowed', () => {
    expect(decideApplication(anApplication(), aPrincipal(), ['other.read'])).toEqual({ ok: false, code: 'EXCHANGE.SCOPE_NOT_ALLOWED' });
  });

  it('refuses SCOPE_NOT_ALLOWED when no scope is requested', () => {
    expect(decideApplication(anApplication(), aPrincipal(), [])).toEqual({ ok: false, code: 'EXCHANGE.SCOPE_NOT_ALLOWED' });
  });

  it('refuses SCOPE_NOT_ALLOWED when the application allows no scope', () => {
    expect(decideApplication(anApplication({ scopes: {} }), aPrincipal(), ['testapi.read'])).toEqual({
      ok: false,
      code: 'EXCHANGE.SCOPE_NOT_ALLOWED',
    });
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('never grants the object prototype’s %s as a scope', (scope) => {
    expect(decideApplication(anApplication(), aPrincipal(), [scope])).toEqual({ ok: false, code: 'EXCHANGE.SCOPE_NOT_ALLOWED' });
  });

  it('matches scopes exactly (case and whole name)', () => {
    expect(decideApplication(anApplication(), aPrincipal(), ['TESTAPI.READ', 'testapi', 'testapi.read '])).toEqual({
      ok: false,
      code: 'EXCHANGE.SCOPE_NOT_ALLOWED',
    });
  });

  it('never grants a scope that was not requested, nor one the application does not allow (property)', () => {
    const scopeName = fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'constructor');
    fc.assert(
      fc.property(
        fc.dictionary(scopeName, fc.array(fc.constantFrom<string>('x:read', 'x:write', 'y:read'), { maxLength: 3 })),
        fc.array(scopeName, { maxLength: 8 }),
        (scopes, requested) => {
          const decision = decideApplication(anApplication({ scopes }), aPrincipal(), requested);
          if (!decision.ok) return requested.every((scope) => !Object.hasOwn(scopes, scope));
          const allowedPermissions = new Set(decision.scopes.flatMap((scope) => scopes[scope] ?? []));
          return (
            decision.scopes.every((scope) => requested.includes(scope) && Object.hasOwn(scopes, scope)) &&
            decision.permissions.every((permission) => allowedPermissions.has(permission)) &&
            decision.permissions.length === allowedPermissions.size
          );
        },
      ),
    );
  });
});
