import { randomBytes, randomUUID } from 'node:crypto';
import { deriveServiceKey } from '@latchkey/access-guards';
import { RbacModule } from '@latchkey/rbac/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';

const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
const SECRET = randomBytes(32);
const PREVIOUS_SECRET = randomBytes(32);
const run = randomUUID().slice(0, 8);
/** Services of this run only, so that parallel runs on one database do not meet. */
const OWN = `own-${run}`;
const OTHER = `other-${run}`;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

describeWithInfrastructure('rbac service keys: each service its own, scoped credential (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;

  beforeAll(async () => {
    service = await startServiceUnderTest('rbac', RbacModule, {
      env: {
        LATCHKEY_RBAC_OPERATOR_KEY: OPERATOR_KEY,
        LATCHKEY_RBAC_SERVICE_KEY_SECRET: SECRET.toString('base64'),
        LATCHKEY_RBAC_SERVICE_KEY_PREVIOUS_SECRET: PREVIOUS_SECRET.toString('base64'),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  const call = async (method: Method, url: string, key: string, payload?: unknown) => {
    const response = await service.handle.app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as object }),
      headers: { authorization: `Bearer ${key}` },
    });
    const body = response.body.length > 0 ? (JSON.parse(response.body) as { error?: { innererror?: { code?: string } } }) : {};
    return { status: response.statusCode, inner: body.error?.innererror?.code, body };
  };
  const list = (permission: string) => [{ method: 'GET', path: `/reports/${run}`, scope: 'reports.read', permission, public: false }];
  const decision = { subject: { kind: 'person', id: `p_${randomUUID()}` }, permission: 'reports:read' };
  const registered = async (name: string) => service.database.query('SELECT 1 FROM rbac.endpoints WHERE service = $1', [name]);

  it('lets a service key ask for decisions', async () => {
    const key = deriveServiceKey(SECRET, OWN);
    expect(await call('POST', '/rbac/v1/decisions', key, decision)).toMatchObject({ status: 200, body: { decision: 'deny' } });
  });

  it("lets a service key replace its own service's endpoint list", async () => {
    const key = deriveServiceKey(SECRET, OWN);
    expect(await call('PUT', `/rbac/v1/endpoints/${OWN}`, key, list(`own-${run}:read`))).toMatchObject({ status: 200, body: { service: OWN } });
    expect(await registered(OWN)).toHaveLength(1);
  });

  it("refuses a service key on another service's endpoint list, 403 PermissionMissing, registering nothing", async () => {
    const key = deriveServiceKey(SECRET, OWN);
    expect(await call('PUT', `/rbac/v1/endpoints/${OTHER}`, key, list(`other-${run}:read`))).toMatchObject({
      status: 403,
      inner: 'PermissionMissing',
    });
    expect(await registered(OTHER)).toHaveLength(0);
    const permissions = await service.database.query('SELECT 1 FROM rbac.permissions WHERE id = $1', [`other-${run}:read`]);
    expect(permissions).toHaveLength(0);
  });

  it("refuses a service key on the list of every service's endpoints (403)", async () => {
    expect(await call('GET', '/rbac/v1/endpoints', deriveServiceKey(SECRET, OWN))).toMatchObject({ status: 403, inner: 'PermissionMissing' });
  });

  it('refuses a service key on the admin API, 401: it cannot give anyone a role', async () => {
    const key = deriveServiceKey(SECRET, OWN);
    const person = `p_${randomUUID()}`;
    expect(await call('GET', '/admin/v1/roles', key)).toMatchObject({ status: 401, inner: 'OperatorCredentialInvalid' });
    expect(await call('PUT', `/admin/v1/subjects/person/${person}/assignments/platform-operator`, key)).toMatchObject({
      status: 401,
      inner: 'OperatorCredentialInvalid',
    });
    expect(await call('POST', '/admin/v1/permissions', key, { id: `stolen-${run}:write` })).toMatchObject({ status: 401 });
    expect(await service.database.query('SELECT 1 FROM rbac.subjects WHERE id = $1', [person])).toHaveLength(0);
  });

  it('refuses a key of an unknown secret and a forged service name, 401', async () => {
    const foreign = deriveServiceKey(randomBytes(32), OWN);
    const forged = deriveServiceKey(SECRET, OWN).replace(`_${OWN}_`, `_${OTHER}_`);
    expect(await call('POST', '/rbac/v1/decisions', foreign, decision)).toMatchObject({ status: 401, inner: 'OperatorCredentialInvalid' });
    expect(await call('PUT', `/rbac/v1/endpoints/${OTHER}`, forged, list(`other-${run}:read`))).toMatchObject({ status: 401 });
  });

  it('accepts keys of the previous secret while it is configured (rotation)', async () => {
    expect(await call('POST', '/rbac/v1/decisions', deriveServiceKey(PREVIOUS_SECRET, OWN), decision)).toMatchObject({ status: 200 });
  });

  it('still lets the break-glass operator key decide, register for any service and list them (tools)', async () => {
    expect(await call('POST', '/rbac/v1/decisions', OPERATOR_KEY, decision)).toMatchObject({ status: 200 });
    expect(await call('PUT', `/rbac/v1/endpoints/${OTHER}`, OPERATOR_KEY, list(`other-${run}:read`))).toMatchObject({ status: 200 });
    expect(await call('GET', '/rbac/v1/endpoints', OPERATOR_KEY)).toMatchObject({ status: 200 });
    expect(await call('GET', '/admin/v1/roles', OPERATOR_KEY)).toMatchObject({ status: 200 });
  });
});
