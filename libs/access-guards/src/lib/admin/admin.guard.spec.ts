import { Controller, Get, Logger, type ExecutionContext, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LatchkeyError } from '@latchkey/contracts';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { parseScrape } from '@latchkey/testing';
import { OperatorCredential } from '../operator/operator-credential';
import type { OperatorKeyOptions } from '../operator/operator-key.options';
import { operatorOf } from '../operator/operator.decorator';
import type { RbacGuard } from '../rbac/rbac.guard';
import { AdminApi } from './admin-api.decorator';
import { AdminPermission } from './admin-permission.decorator';
import { AdminGuard } from './admin.guard';

const KEY = 'lk_op_' + 'k'.repeat(43);
const JWT = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJwIn0.c2lnbmF0dXJl';
const CODES = { unauthenticated: 'SVC.ADMIN_UNAUTHENTICATED', invalid: 'SVC.ADMIN_CREDENTIAL_INVALID', disabled: 'SVC.ADMIN_API_DISABLED' };

@AdminApi()
@Controller('admin/v1/things')
class ThingsAdmin {
  @Get()
  @AdminPermission('issuer.isvs:read')
  list(): void {
    return undefined;
  }

  @Get('unnamed')
  unnamed(): void {
    return undefined;
  }
}

function contextFor(handler: keyof ThingsAdmin, ...authorization: string[]): { context: ExecutionContext; request: FastifyRequest } {
  const rawHeaders = authorization.flatMap((value) => ['Authorization', value]);
  const request = {
    method: 'GET',
    routeOptions: { url: '/admin/v1/things' },
    headers: authorization.length > 0 ? { authorization: authorization[0] } : {},
    raw: { rawHeaders },
  } as unknown as FastifyRequest;
  const reply = { header: () => reply } as unknown as FastifyReply;
  const context = {
    getHandler: () => ThingsAdmin.prototype[handler],
    getClass: () => ThingsAdmin as Type,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  return { context, request };
}

/** An AdminGuard over a real operator key check and a stand-in for RbacGuard that records what reached it. */
async function guardWith(
  rbac: boolean,
  recheck: (request: FastifyRequest, requirement: unknown) => Promise<unknown> = async () => ({}),
): Promise<{ guard: AdminGuard; rbacCalls: ExecutionContext[] }> {
  const options: OperatorKeyOptions = { service: 'some-service', variable: 'LATCHKEY_SOME_SERVICE_OPERATOR_KEY', configured: KEY, codes: CODES };
  const credential = new OperatorCredential(options);
  await credential.onModuleInit();
  const rbacCalls: ExecutionContext[] = [];
  const stand = { canActivate: async (context: ExecutionContext) => (rbacCalls.push(context), true), recheck } as unknown as RbacGuard;
  return { guard: new AdminGuard(new Reflector(), credential, options, rbac ? stand : undefined), rbacCalls };
}

describe(AdminGuard.name, () => {
  const environment = { ...process.env };
  beforeAll(() => {
    process.env['DATABASE_URL'] = 'postgres://unused.invalid/latchkey';
  });
  afterAll(() => {
    process.env = environment;
  });

  it('hands a bearer token shaped like a JWT to the RBAC guard', async () => {
    const { guard, rbacCalls } = await guardWith(true);
    const { context } = contextFor('list', `Bearer ${JWT}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(rbacCalls).toEqual([context]);
  });

  it('checks anything else as the break-glass operator key, and records its holder', async () => {
    const { guard, rbacCalls } = await guardWith(true);
    const { context, request } = contextFor('list', `Bearer ${KEY}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(rbacCalls).toEqual([]);
    expect(operatorOf(request)).toBe('operator:interim-key');
  });

  it('refuses a wrong key, and a JWT where the service has no RBAC guard, as a wrong operator key', async () => {
    const { guard } = await guardWith(true);
    await expect(guard.canActivate(contextFor('list', `Bearer ${KEY}x`).context)).rejects.toMatchObject({ code: CODES.invalid });
    const { guard: keyOnly } = await guardWith(false);
    await expect(keyOnly.canActivate(contextFor('list', `Bearer ${JWT}`).context)).rejects.toBeInstanceOf(LatchkeyError);
  });

  it('never lets a caller through to a handler that names no permission, token or key', async () => {
    const { guard, rbacCalls } = await guardWith(true);
    await expect(guard.canActivate(contextFor('unnamed', `Bearer ${JWT}`).context)).rejects.toThrow(
      /ThingsAdmin.unnamed declares no @AdminPermission/,
    );
    await expect(guard.canActivate(contextFor('unnamed', `Bearer ${KEY}`).context)).rejects.toThrow(/declares no @AdminPermission/);
    expect(rbacCalls).toEqual([]);
  });

  describe('recheck (a long response re-deciding its admission)', () => {
    it('hands a token to RbacGuard’s recheck with the admin scope, the permission and the admin audience, and returns its refusal', async () => {
      const asked: unknown[] = [];
      const refusal = new LatchkeyError('RBAC.PERMISSION_DENIED', 'no');
      let answer: 'allow' | 'deny' = 'allow';
      const { guard } = await guardWith(true, async (_request, requirement) => {
        asked.push(requirement);
        if (answer === 'deny') throw refusal;
        return {};
      });
      const { request } = contextFor('list', `Bearer ${JWT}`);
      await expect(guard.recheck(request, 'abuse.alerts:read')).resolves.toBeUndefined();
      answer = 'deny';
      await expect(guard.recheck(request, 'abuse.alerts:read')).resolves.toBe(refusal);
      expect(asked).toEqual([
        { scopes: ['latchkey.admin'], permission: 'abuse.alerts:read', admin: true },
        { scopes: ['latchkey.admin'], permission: 'abuse.alerts:read', admin: true },
      ]);
    });

    it('compares the break-glass key again, without counting a new use, and says the key has no expiry', async () => {
      const { guard } = await guardWith(true);
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      await expect(guard.recheck(contextFor('list', `Bearer ${KEY}`).request, 'abuse.alerts:read')).resolves.toBeUndefined();
      await expect(guard.recheck(contextFor('list', `Bearer ${KEY}x`).request, 'abuse.alerts:read')).resolves.toMatchObject({ code: CODES.invalid });
      expect(warn).not.toHaveBeenCalled();
      warn.mockRestore();
      expect(guard.expiresAt(contextFor('list', `Bearer ${KEY}`).request)).toBeUndefined();
    });
  });

  describe('break-glass uses', () => {
    beforeAll(() => startTelemetry({ instrumentations: [] }));
    afterAll(() => shutdownTelemetry());
    const uses = async () => parseScrape(await renderPrometheusMetrics()).total('latchkey_break_glass_uses_total', { service: 'some-service' });

    it('counts and logs each request the break-glass key lets in, never an operator token’s or a refused key’s', async () => {
      const { guard } = await guardWith(true);
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      await guard.canActivate(contextFor('list', `Bearer ${JWT}`).context);
      await expect(guard.canActivate(contextFor('list', `Bearer ${KEY}x`).context)).rejects.toMatchObject({ code: CODES.invalid });
      expect(await uses()).toBe(0);
      await guard.canActivate(contextFor('list', `Bearer ${KEY}`).context);
      await guard.canActivate(contextFor('list', `Bearer ${KEY}`).context);
      expect(await uses()).toBe(2);
      expect(warn).toHaveBeenCalledWith({
        msg: 'break-glass operator key used',
        method: 'GET',
        route: '/admin/v1/things',
        permission: 'issuer.isvs:read',
      });
      expect(JSON.stringify(warn.mock.calls)).not.toContain(KEY);
      warn.mockRestore();
    });
  });
});
