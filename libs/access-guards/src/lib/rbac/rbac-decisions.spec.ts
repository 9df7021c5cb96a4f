import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseScrape, type Scrape } from '@latchkey/testing';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { createRemoteJwks, generateSigningKey, KeyRing, signInternalAccessToken, type SigningKey } from '@latchkey/tokens';
import { JwksRefreshCounter } from '../metrics/jwks-refresh-counter';
import { RevocationCache } from '../revocation/revocation-cache';
import type { RevocationFeedStatus } from '../revocation/revocation.module';
import { DecisionCache } from './decision-cache';
import type { Decision, DecisionSource } from './decision-client';
import type { RbacChangeFeed } from './rbac-change-feed';
import { RBAC_DENY_REASONS } from './rbac-decisions';
import type { RbacDenialRecorder } from './rbac-denial-recorder';
import type { RbacGuardSettings } from './rbac-guard.settings';
import { RbacGuard } from './rbac.guard';
import { RequirePermission } from './require-permission.decorator';
import { RequireScope } from './require-scope.decorator';

const ISSUER = 'https://exchange.rbac-metrics.latchkey.test';
const AUDIENCE = 'api://latchkey-probe';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const DECISIONS = 'latchkey_rbac_decisions_total';
const REFRESHES = 'latchkey_jwks_refreshes_total';

class ProbeController {
  @RequireScope('reports.read')
  @RequirePermission('reports:read')
  reports(): string {
    return 'reports';
  }

  @RequireScope('reports.read')
  scoped(): string {
    return 'scoped';
  }
}

describe('RbacGuard metrics', () => {
  let key: SigningKey;
  let jwks: Server;
  let jwksUrl: string;
  let jwksRequests = 0;
  let guard: RbacGuard;
  let revocations: RevocationCache;
  const allowed = new Set<string>();
  let decisionApiDown = false;
  let asked = 0;

  beforeAll(async () => {
    startTelemetry({ instrumentations: [] });
    key = await generateSigningKey('ES256');
    const published = JSON.stringify(new KeyRing([{ key, status: 'active' }]).publicJwks());
    jwks = createServer((_req, res) => {
      jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(published);
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
    await shutdownTelemetry();
  });

  beforeEach(() => {
    decisionApiDown = false;
    asked = 0;
    revocations = new RevocationCache();
    const keys = createRemoteJwks(jwksUrl);
    const settings: RbacGuardSettings = {
      service: 'probe',
      keys,
      keyRefreshes: new JwksRefreshCounter(keys, 'exchange'),
      issuer: ISSUER,
      audience: AUDIENCE,
      adminAudience: 'api://latchkey-admin',
      clockToleranceSeconds: 5,
      maxStalenessMs: 5000,
    };
    const source: DecisionSource = {
      decide: async ({ subject, permission }): Promise<Decision> => {
        asked++;
        if (decisionApiDown) throw new Error('the decision API is unreachable');
        return allowed.has(`${subject.id}:${permission}`)
          ? { decision: 'allow', reason: 'role reader' }
          : { decision: 'deny', reason: 'no assignment' };
      },
    };
    const current = { staleForMs: () => 0 };
    // Built after the SDK started, as Nest builds it in a service.
    guard = new RbacGuard(
      new Reflector(),
      settings,
      new DecisionCache({ ttlMs: 30_000, maxEntries: 100 }),
      source,
      current as unknown as RbacChangeFeed,
      { denied: jest.fn() } satisfies RbacDenialRecorder,
      revocations,
      current as unknown as RevocationFeedStatus,
    );
  });

  const token = async (overrides: { personId?: string; scopes?: string[]; issuer?: string; expired?: boolean } = {}) => {
    const now = overrides.expired ? new Date(Date.now() - 2 * 3600_000) : new Date(Date.now() - 2000);
    const signed = await signInternalAccessToken(
      {
        issuer: overrides.issuer ?? ISSUER,
        audience: AUDIENCE,
        personId: overrides.personId ?? `person-${randomUUID()}`,
        clientId: 'client-a',
        scopes: overrides.scopes ?? ['reports.read'],
        tenantId: TENANT,
        objectId: randomUUID(),
        now,
        expiresAt: new Date(now.getTime() + 3600_000),
      },
      key,
    );
    return signed.token;
  };

  /** Runs the guard on `handler` with `bearer`; resolves whether it admitted (a refusal's error swallowed). */
  const guarded = async (handler: 'reports' | 'scoped', bearer?: string): Promise<boolean> => {
    const request = {
      raw: { rawHeaders: bearer === undefined ? [] : ['Authorization', `Bearer ${bearer}`] },
      headers: {},
      method: 'GET',
      url: `/probe/${handler}`,
    } as unknown as FastifyRequest;
    const context = {
      getHandler: () => ProbeController.prototype[handler],
      getClass: () => ProbeController,
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({ header: jest.fn() }) as unknown as FastifyReply }),
    } as unknown as ExecutionContext;
    return guard.canActivate(context).catch(() => false);
  };

  const scrape = async (): Promise<Scrape> => parseScrape(await renderPrometheusMetrics());
  /** What `act` added to the decisions counter, per `decision/reason/source`. */
  const counted = async (act: () => Promise<unknown>): Promise<Record<string, number>> => {
    const before = await scrape();
    await act();
    const after = await scrape();
    const added: Record<string, number> = {};
    for (const sample of after.samples(DECISIONS)) {
      const { decision, reason, source } = sample.labels;
      const delta = sample.value - before.total(DECISIONS, { decision: decision ?? '', reason: reason ?? '', source: source ?? '' });
      if (delta !== 0) added[`${decision}/${reason}/${source}`] = delta;
    }
    return added;
  };

  it('counts an allow from the decision API, then the same allow from the cache', async () => {
    const personId = `person-${randomUUID()}`;
    allowed.add(`${personId}:reports:read`);
    const bearer = await token({ personId });

    expect(await counted(() => guarded('reports', bearer))).toEqual({ 'allow/granted/api': 1 });
    expect(await counted(() => guarded('reports', bearer))).toEqual({ 'allow/granted/cache': 1 });
    expect(asked).toBe(1);
  });

  it('counts a scope-only endpoint’s allow with no decision source', async () => {
    expect(await counted(async () => guarded('scoped', await token()))).toEqual({ 'allow/granted/none': 1 });
  });

  it('counts a permission the decision API denies as missing-permission from the api', async () => {
    expect(await counted(async () => expect(await guarded('reports', await token())).toBe(false))).toEqual({ 'deny/missing-permission/api': 1 });
  });

  it('counts a missing scope as missing-scope, decided without a source', async () => {
    expect(await counted(async () => guarded('reports', await token({ scopes: ['other.scope'] })))).toEqual({ 'deny/missing-scope/none': 1 });
    expect(asked).toBe(0);
  });

  it.each([
    ['no token', 'missing-token', async () => undefined],
    ['an expired token', 'expired-token', () => token({ expired: true })],
    ['a token of another issuer', 'invalid-token', () => token({ issuer: 'https://elsewhere.latchkey.test' })],
  ])('counts %s as %s', async (_name, reason, bearer) => {
    expect(await counted(async () => guarded('reports', await bearer()))).toEqual({ [`deny/${reason}/none`]: 1 });
  });

  it('counts a token of a revoked person as revoked', async () => {
    const personId = `person-${randomUUID()}`;
    allowed.add(`${personId}:reports:read`);
    const bearer = await token({ personId });
    revocations.apply({
      subject: { kind: 'person', personId },
      notBefore: new Date().toISOString(),
      action: 'revoke',
      reason: 'ADMIN.MANUAL',
      alertId: null,
      actor: 'spec',
    });
    expect(await counted(() => guarded('reports', bearer))).toEqual({ 'deny/revoked/none': 1 });
  });

  it('counts the decision API out of reach as decision-unavailable from the api, and the labels name no caller', async () => {
    const personId = `person-${randomUUID()}`;
    allowed.add(`${personId}:reports:read`);
    decisionApiDown = true;
    expect(await counted(async () => guarded('reports', await token({ personId })))).toEqual({ 'deny/decision-unavailable/api': 1 });
    expect((await scrape()).text).not.toContain(personId);
  });

  it('has a reason for every refusal of the guard, from a small fixed set', () => {
    expect(new Set(Object.values(RBAC_DENY_REASONS))).toEqual(
      new Set([
        'missing-token',
        'invalid-token',
        'expired-token',
        'revoked',
        'missing-scope',
        'missing-permission',
        'decision-unavailable',
        'keys-unavailable',
      ]),
    );
  });

  it('counts the fetch of the exchange’s keys once, not once per verification', async () => {
    const before = { ok: (await scrape()).total(REFRESHES, { source: 'exchange', outcome: 'ok' }), requests: jwksRequests };
    await guarded('scoped', await token());
    await guarded('scoped', await token());
    const after = (await scrape()).total(REFRESHES, { source: 'exchange', outcome: 'ok' });
    expect({ fetches: jwksRequests - before.requests, counted: after - before.ok }).toEqual({ fetches: 1, counted: 1 });
  });
});
