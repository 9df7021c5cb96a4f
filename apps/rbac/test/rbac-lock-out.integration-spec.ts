import { randomBytes, randomUUID } from 'node:crypto';
import { RbacModule } from '@latchkey/rbac/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';

const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
const run = randomUUID().slice(0, 8);
const ADMINISTRATION = 'rbac.policy:write';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The last-administrator rule and the input rules of the admin and decision APIs over HTTP, on real PostgreSQL:
 * concurrent requests run in concurrent transactions on the service's connection pool.
 */
describeWithInfrastructure('rbac lock-out and input rules (real PostgreSQL)', () => {
  let service: ServiceUnderTest;

  // Each test on a service and database of its own: a test that ends with an administrator would hold the next one's.
  beforeEach(async () => {
    service = await startServiceUnderTest('rbac', RbacModule, { env: { LATCHKEY_RBAC_OPERATOR_KEY: OPERATOR_KEY } });
    // The service registers its own endpoints (and so rbac.policy:*) in the background; register the one we need now.
    const registered = await call('POST', '/admin/v1/permissions', { id: ADMINISTRATION });
    expect([201, 409]).toContain(registered.status);
  }, 120_000);

  afterEach(async () => {
    await service?.stop();
  });

  const call = async (method: Method, url: string, payload?: unknown) => {
    const response = await service.handle.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    const body = response.body.length > 0 ? (JSON.parse(response.body) as { error?: { innererror?: { code?: string } } }) : {};
    return { status: response.statusCode, inner: body.error?.innererror?.code, body };
  };
  // A person as identity.created registers one, written directly: these tests are about assignments, not the feed.
  const aPerson = async () => {
    const id = `p_${randomUUID()}`;
    await service.database.query(`INSERT INTO rbac.subjects (id, kind, display_name) VALUES ($1, 'person', 'Ada')`, [id]);
    return id;
  };
  const assignment = (personId: string, roleId: string) => `/admin/v1/subjects/person/${personId}/assignments/${roleId}`;
  const assign = async (personId: string, roleId: string) => expect((await call('PUT', assignment(personId, roleId))).status).toBe(200);
  const LAST = { status: 409, inner: 'LastPolicyAdministrator' };

  it('refuses removing, deleting or patching away the only administrator, even with the break-glass key, until another one exists', async () => {
    const role = `admins-${run}`;
    const outer = `outer-${run}`;
    expect((await call('POST', '/admin/v1/roles', { id: role, permissions: [ADMINISTRATION, 'rbac.policy:read'] })).status).toBe(201);
    expect((await call('POST', '/admin/v1/roles', { id: outer, includes: [role] })).status).toBe(201);
    const only = await aPerson();
    await assign(only, outer);
    const pick = (r: Awaited<ReturnType<typeof call>>) => ({ status: r.status, inner: r.inner });

    expect(pick(await call('DELETE', assignment(only, outer)))).toEqual(LAST);
    expect(pick(await call('DELETE', `/admin/v1/roles/${outer}`))).toEqual(LAST);
    expect(pick(await call('PATCH', `/admin/v1/roles/${outer}`, { includes: [] }))).toEqual(LAST);
    expect(pick(await call('PATCH', `/admin/v1/roles/${role}`, { permissions: ['rbac.policy:read'] }))).toEqual(LAST);
    // Only a grant in every tenant counts.
    const scoped = await aPerson();
    expect((await call('PUT', `${assignment(scoped, role)}?tenantId=${randomUUID()}`)).status).toBe(200);
    expect(pick(await call('DELETE', assignment(only, outer)))).toEqual(LAST);
    expect(await call('GET', `/admin/v1/roles/${role}`)).toMatchObject({ status: 200, body: { permissions: ['rbac.policy:read', ADMINISTRATION] } });

    const another = await aPerson();
    await assign(another, role);
    expect((await call('DELETE', assignment(only, outer))).status).toBe(204);
    expect(pick(await call('DELETE', assignment(another, role)))).toEqual(LAST);
  });

  it('lets exactly one of two concurrent removals of the last two administrators through, every time', async () => {
    const role = `racers-${run}`;
    expect((await call('POST', '/admin/v1/roles', { id: role, permissions: [ADMINISTRATION] })).status).toBe(201);
    let remaining = await aPerson();
    await assign(remaining, role);
    for (let round = 0; round < 5; round++) {
      const newcomer = await aPerson();
      await assign(newcomer, role);

      const answers = await Promise.all([remaining, newcomer].map((id) => call('DELETE', assignment(id, role))));

      expect(answers.map((a) => a.status).sort()).toEqual([204, 409]);
      expect(answers.find((a) => a.status === 409)?.inner).toBe('LastPolicyAdministrator');
      remaining = answers[0]?.status === 409 ? remaining : newcomer;
      const [{ holders }] = await service.database.query<{ holders: string }>(
        `SELECT count(*) AS holders FROM rbac.assignments WHERE role_id = $1 AND tenant_id = '*'`,
        [role],
      );
      expect(Number(holders)).toBe(1);
    }
  });

  it('refuses a permission id with upper case in the admin API and the endpoint registry', async () => {
    for (const id of ['Reports:Read', 'Audit.events:read']) {
      expect(await call('POST', '/admin/v1/permissions', { id })).toMatchObject({ status: 400, inner: 'InvalidAdminRequest' });
      expect(await call('POST', '/admin/v1/roles', { id: `r-${randomUUID().slice(0, 8)}`, permissions: [id] })).toMatchObject({ status: 400 });
      const list = [{ method: 'GET', path: '/reports', scope: null, permission: id, public: false }];
      expect(await call('PUT', `/rbac/v1/endpoints/svc-${run}`, list)).toMatchObject({ status: 400, inner: 'InvalidAdminRequest' });
    }
    expect(await call('GET', '/admin/v1/permissions')).toMatchObject({ status: 200 });
    const [{ upper }] = await service.database.query<{ upper: string }>(`SELECT count(*) AS upper FROM rbac.permissions WHERE id <> lower(id)`);
    expect(Number(upper)).toBe(0);
  });

  it('refuses a malformed permission in a decision and answers a well-formed unknown one deny', async () => {
    const subject = { kind: 'person', id: await aPerson() };
    for (const permission of [`${ADMINISTRATION} `, `${ADMINISTRATION}\u0000`, '']) {
      expect(await call('POST', '/rbac/v1/decisions', { subject, permission })).toMatchObject({ status: 400, inner: 'InvalidAdminRequest' });
    }
    expect(await call('POST', '/rbac/v1/decisions', { subject, permission: 'Rbac.policy:write' })).toMatchObject({
      status: 200,
      body: { decision: 'deny', reason: 'unknown-permission' },
    });
  });
});
