import { randomBytes, randomUUID } from 'node:crypto';
import { IdentityCreatedV1, RbacChangedV1, type EventData } from '@latchkey/contracts';
import { OPENAPI_JSON_PATH } from '@latchkey/http';
import { RbacModule } from '@latchkey/rbac/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';

const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
const run = randomUUID().slice(0, 8);
const TENANT_A = randomUUID();
const TENANT_B = randomUUID();

type Changed = EventData<typeof RbacChangedV1>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

describeWithInfrastructure('rbac policy, decisions and endpoint registry (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;
  const changes: Changed[] = [];

  beforeAll(async () => {
    service = await startServiceUnderTest('rbac', RbacModule, { env: { LATCHKEY_RBAC_OPERATOR_KEY: OPERATOR_KEY } });
    await service.bus.subscribe({
      group: `test.rbac-changed.${run}`,
      events: [RbacChangedV1],
      handle: async (event) => {
        changes.push(event.envelope.data as Changed);
      },
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  const call = async (method: Method, url: string, payload?: unknown, key: string | null = OPERATOR_KEY) => {
    const response = await service.handle.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
    });
    return { status: response.statusCode, body: response.body.length > 0 ? (JSON.parse(response.body) as Record<string, unknown>) : {} };
  };
  const decide = async (subject: { kind: string; id: string }, permission: string, tenantId?: string) =>
    (await call('POST', '/rbac/v1/decisions', { subject, permission, ...(tenantId ? { tenantId } : {}) })).body;
  const aPerson = async () => {
    const personId = `p_${randomUUID()}`; // as the exchange makes them
    await service.bus.publish(IdentityCreatedV1, { personId, tenantId: TENANT_A, objectId: randomUUID(), displayName: 'Ada' });
    await eventually(async () => (await service.database.query('SELECT 1 FROM rbac.subjects WHERE id = $1', [personId])).length === 1, {
      timeoutMs: 45000,
      what: 'person registered',
    });
    return { kind: 'person', id: personId };
  };

  it('refuses the decision API and the admin API without the operator key, in the Azure shape', async () => {
    const decision = await call('POST', '/rbac/v1/decisions', { subject: { kind: 'person', id: 'p' }, permission: 'a:b' }, null);
    const admin = await call('GET', '/admin/v1/roles', undefined, 'lk_op_wrong');

    expect(decision).toMatchObject({ status: 401, body: { error: { code: 'Unauthorized', innererror: { code: 'OperatorCredentialMissing' } } } });
    expect(admin).toMatchObject({ status: 401, body: { error: { innererror: { code: 'OperatorCredentialInvalid' } } } });
  });

  it('answers a bad request 400 naming the field, never the value', async () => {
    const refused = await call('POST', '/rbac/v1/decisions', { subject: { kind: 'person', id: 'p' }, permission: 'a:b', tenant: 'sekrit' });

    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'BadArgument', innererror: { code: 'InvalidAdminRequest' } } } });
    expect(JSON.stringify(refused.body)).not.toContain('sekrit');
  });

  it('decides through role inheritance and per-tenant assignments, follows removals at once, and refuses a cycle', async () => {
    const permission = `reports-${run}:read`;
    const [leaf, middle, top] = ['leaf', 'middle', 'top'].map((name) => `${name}-${run}`);
    const person = await aPerson();
    const everywhere = await aPerson();

    expect(await decide(person, permission)).toMatchObject({ decision: 'deny', reason: 'unknown-permission' });
    expect((await call('POST', '/admin/v1/permissions', { id: permission })).status).toBe(201);
    expect(await decide(person, permission)).toMatchObject({ decision: 'deny', reason: 'no-role-grants' });
    expect(await decide({ kind: 'person', id: `nobody-${run}` }, permission)).toMatchObject({ decision: 'deny', reason: 'unknown-subject' });

    expect((await call('POST', '/admin/v1/roles', { id: leaf, permissions: [permission] })).status).toBe(201);
    expect((await call('POST', '/admin/v1/roles', { id: middle, includes: [leaf] })).status).toBe(201);
    expect((await call('POST', '/admin/v1/roles', { id: top, includes: [middle] })).status).toBe(201);
    const cycle = await call('PATCH', `/admin/v1/roles/${leaf}`, { includes: [top] });
    expect(cycle).toMatchObject({ status: 409, body: { error: { code: 'Conflict', innererror: { code: 'RoleInclusionCycle' } } } });

    const assign = (subject: { kind: string; id: string }, method: 'PUT' | 'DELETE', tenantId?: string) =>
      call(method, `/admin/v1/subjects/${subject.kind}/${subject.id}/assignments/${top}${tenantId ? `?tenantId=${tenantId}` : ''}`);
    expect(await assign(person, 'PUT', TENANT_A)).toMatchObject({ status: 200, body: { roleId: top, tenantId: TENANT_A } });
    expect((await assign(everywhere, 'PUT')).status).toBe(200);

    expect(await decide(person, permission, TENANT_A)).toMatchObject({ decision: 'allow', reason: `granted-by-role:${leaf}` });
    expect(await decide(person, permission, TENANT_B)).toMatchObject({ decision: 'deny', reason: 'no-role-grants' });
    expect((await decide(everywhere, permission, TENANT_A))['decision']).toBe('allow');
    expect((await decide(everywhere, permission, TENANT_B))['decision']).toBe('allow');

    expect((await assign(person, 'DELETE', TENANT_A)).status).toBe(204);
    expect(await decide(person, permission, TENANT_A)).toMatchObject({ decision: 'deny', reason: 'no-role-grants' });

    // Each change above is one rbac.changed on Kafka, in order, with strictly increasing versions.
    const expected = [
      ['permission.upserted', permission],
      ['role.upserted', leaf],
      ['role.upserted', middle],
      ['role.upserted', top],
      ['assignment.added', person.id],
      ['assignment.added', everywhere.id],
      ['assignment.removed', person.id],
    ];
    const mine = () =>
      changes.filter((c) => Object.values(c.ids).some((id) => [permission, leaf, middle, top, person.id, everywhere.id].includes(id)));
    await eventually(() => mine().length >= expected.length, { timeoutMs: 30000, what: 'rbac.changed events' });
    expect(mine().map((c) => [c.change, c.ids['permissionId'] ?? c.ids['subjectId'] ?? c.ids['roleId']])).toEqual(expected);
    const versions = mine().map((c) => c.version);
    expect(versions.every((v, i) => i === 0 || v > versions[i - 1])).toBe(true);
    expect(mine()[4].ids).toEqual({ subjectId: person.id, roleId: top, tenantId: TENANT_A });
  }, 120_000);

  it('round-trips the endpoint registry: replace, idempotent repeat, list', async () => {
    const serviceName = `svc-${run}`;
    const permission = `invoices-${run}:read`;
    const list = [
      { method: 'GET', path: '/api/invoices', scope: 'invoices.read', permission, public: false },
      { method: 'GET', path: '/healthz', scope: null, permission: null, public: true },
    ];

    const first = await call('PUT', `/rbac/v1/endpoints/${serviceName}`, list);
    const again = await call('PUT', `/rbac/v1/endpoints/${serviceName}`, list);
    const all = await call('GET', '/rbac/v1/endpoints');

    expect(first).toMatchObject({ status: 200, body: { service: serviceName, permissionsAdded: [permission], changed: true } });
    expect(again).toMatchObject({ status: 200, body: { permissionsAdded: [], changed: false } });
    const registered = (all.body['endpoints'] as Array<Record<string, unknown>>).filter((e) => e['service'] === serviceName);
    expect(registered.map((e) => [e['method'], e['path'], e['scope'], e['permission'], e['public']])).toEqual([
      ['GET', '/api/invoices', 'invoices.read', permission, false],
      ['GET', '/healthz', null, null, true],
    ]);
    const permissions = (await call('GET', '/admin/v1/permissions')).body['permissions'] as Array<Record<string, unknown>>;
    expect(permissions.find((p) => p['id'] === permission)).toMatchObject({ registeredBy: `endpoint:${serviceName}` });
    await eventually(() => changes.filter((c) => c.ids['serviceId'] === serviceName).length === 1, {
      timeoutMs: 30000,
      what: 'one endpoint.registered',
    });
  });

  it('documents its routes in OpenAPI', async () => {
    const spec = JSON.parse((await service.handle.app.inject({ method: 'GET', url: OPENAPI_JSON_PATH })).body) as { paths: Record<string, unknown> };

    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/rbac/v1/decisions',
        '/rbac/v1/endpoints/{service}',
        '/admin/v1/roles',
        '/admin/v1/subjects/{kind}/{id}/assignments/{roleId}',
      ]),
    );
  });
});
