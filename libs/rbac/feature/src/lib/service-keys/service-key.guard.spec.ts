import type { ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deriveServiceKey, OperatorCredential, RbacGuardError } from '@latchkey/access-guards';
import { LatchkeyError } from '@latchkey/contracts';
import { EndpointsController } from '../endpoints/endpoints.controller';
import type { RegisterEndpointsUseCase } from '../endpoints/register-endpoints.use-case';
import { serviceCallerOf, type ServiceCaller } from './service-caller';
import { ServiceKeySecrets } from './service-key-secrets';
import { ServiceKeyGuard } from './service-key.guard';

const SECRET = Buffer.alloc(32, 3);
const OPERATOR_KEY = 'lk_op_' + 'o'.repeat(43);

/** A request as Fastify hands it over: `headers` keeps the first Authorization, `rawHeaders` all of them. */
function request(...authorization: string[]): FastifyRequest {
  const rawHeaders = authorization.flatMap((value) => ['Authorization', value]);
  return { headers: authorization.length > 0 ? { authorization: authorization[0] } : {}, raw: { rawHeaders } } as unknown as FastifyRequest;
}

function contextOf(req: FastifyRequest): ExecutionContext {
  const reply = { header: () => reply } as unknown as FastifyReply;
  return { switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }) } as unknown as ExecutionContext;
}

async function guardWith(options: { secret?: string; operatorKey?: string }): Promise<ServiceKeyGuard> {
  const environment = { ...process.env };
  process.env['DATABASE_URL'] = 'postgres://unused.invalid/latchkey';
  try {
    const secrets = new ServiceKeySecrets({
      LATCHKEY_RBAC_SERVICE_KEY_SECRET: options.secret,
      LATCHKEY_RBAC_SERVICE_KEY_PREVIOUS_SECRET: undefined,
      LATCHKEY_RBAC_OPERATOR_KEY: options.operatorKey,
    });
    await secrets.onModuleInit();
    const operator = new OperatorCredential({
      service: 'rbac',
      variable: 'LATCHKEY_RBAC_OPERATOR_KEY',
      configured: options.operatorKey,
      codes: { unauthenticated: 'RBAC.ADMIN_UNAUTHENTICATED', invalid: 'RBAC.ADMIN_CREDENTIAL_INVALID', disabled: 'RBAC.ADMIN_API_DISABLED' },
    });
    await operator.onModuleInit();
    return new ServiceKeyGuard(secrets, operator);
  } finally {
    process.env = environment;
  }
}

/** The caller the guard recorded, or the code it refused with. */
function outcome(guard: ServiceKeyGuard, req: FastifyRequest): ServiceCaller | string {
  try {
    guard.canActivate(contextOf(req));
    return serviceCallerOf(req) ?? 'nobody recorded';
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    expect(error.message).not.toContain('lk_');
    return error.code;
  }
}

describe(ServiceKeyGuard.name, () => {
  const secret = SECRET.toString('base64');

  it('takes a service key of the configured secret as that service', async () => {
    const guard = await guardWith({ secret, operatorKey: OPERATOR_KEY });
    expect(outcome(guard, request(`Bearer ${deriveServiceKey(SECRET, 'testapi')}`))).toEqual({ kind: 'service', service: 'testapi' });
  });

  it('takes the break-glass operator key as the operator (tools)', async () => {
    const guard = await guardWith({ secret, operatorKey: OPERATOR_KEY });
    expect(outcome(guard, request(`Bearer ${OPERATOR_KEY}`))).toEqual({ kind: 'operator' });
  });

  it('refuses a key of another secret, a forged name, and a missing or repeated header', async () => {
    const guard = await guardWith({ secret, operatorKey: OPERATOR_KEY });
    const genuine = deriveServiceKey(SECRET, 'testapi');
    expect(outcome(guard, request(`Bearer ${deriveServiceKey(Buffer.alloc(32, 4), 'testapi')}`))).toBe('RBAC.ADMIN_CREDENTIAL_INVALID');
    expect(outcome(guard, request(`Bearer ${genuine.replace('_testapi_', '_issuer_')}`))).toBe('RBAC.ADMIN_CREDENTIAL_INVALID');
    expect(outcome(guard, request())).toBe('RBAC.ADMIN_UNAUTHENTICATED');
    expect(outcome(guard, request(`Bearer ${genuine}`, `Bearer ${genuine}`))).toBe('RBAC.ADMIN_UNAUTHENTICATED');
  });

  it('takes no service key on PostgreSQL without a secret, but still the operator key', async () => {
    const guard = await guardWith({ operatorKey: OPERATOR_KEY });
    expect(outcome(guard, request(`Bearer ${deriveServiceKey(SECRET, 'testapi')}`))).toBe('RBAC.ADMIN_CREDENTIAL_INVALID');
    expect(outcome(guard, request(`Bearer ${OPERATOR_KEY}`))).toEqual({ kind: 'operator' });
  });

  it('is closed when neither a secret nor an operator key is configured', async () => {
    const guard = await guardWith({});
    expect(outcome(guard, request(`Bearer ${deriveServiceKey(SECRET, 'testapi')}`))).toBe('RBAC.ADMIN_API_DISABLED');
  });
});

describe(`${EndpointsController.name} with service keys`, () => {
  const registry = {
    register: jest.fn(async (service: string) => ({ service, endpoints: [], permissionsAdded: [], changed: false })),
    list: jest.fn(async () => []),
  };
  const controller = new EndpointsController(registry as unknown as RegisterEndpointsUseCase);
  const list = [{ method: 'GET', path: '/x', scope: 'x.read', permission: 'x:read', public: false }];

  beforeEach(() => jest.clearAllMocks());

  it('lets a service replace its own list', async () => {
    await expect(controller.register('testapi', list, { kind: 'service', service: 'testapi' })).resolves.toMatchObject({ service: 'testapi' });
  });

  it("refuses a service's key on another service's list (403 PermissionMissing), writing nothing", async () => {
    await expect(controller.register('issuer', list, { kind: 'service', service: 'testapi' })).rejects.toMatchObject({
      code: 'RBAC.PERMISSION_DENIED',
      constructor: RbacGuardError,
    });
    expect(registry.register).not.toHaveBeenCalled();
  });

  it('lets the operator key replace any list and read them all; a service key reads none', async () => {
    await expect(controller.register('issuer', list, { kind: 'operator' })).resolves.toMatchObject({ service: 'issuer' });
    await expect(controller.list({ kind: 'operator' })).resolves.toEqual({ endpoints: [] });
    await expect(controller.list({ kind: 'service', service: 'testapi' })).rejects.toMatchObject({ code: 'RBAC.PERMISSION_DENIED' });
  });
});
