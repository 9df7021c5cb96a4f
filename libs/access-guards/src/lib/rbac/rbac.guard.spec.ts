import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Controller, Get, Module } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessRevocationV1, RbacChangedV1, RbacDeniedV1, type EventEnvelope, type EventInput, type RevocationSubject } from '@latchkey/contracts';
import { createServiceApp, Public, type ServiceHandle } from '@latchkey/http';
import { EventBus, InProcessBroker, InProcessTransport, isEvent, MessagingModule } from '@latchkey/messaging';
import { generateSigningKey, KeyRing, signInternalAccessToken, signLimitedAccessToken, type SigningKey } from '@latchkey/tokens';
import { Operator } from '../operator/operator.decorator';
import { DecisionCache } from './decision-cache';
import { RbacChangeFeed } from './rbac-change-feed';
import { RbacGuardModule } from './rbac-guard.module';
import { RbacGuard } from './rbac.guard';
import { RequirePermission } from './require-permission.decorator';
import { RequireScope } from './require-scope.decorator';
import { deriveServiceKey } from './service-key';

const ISSUER = 'https://exchange.rbac-guard.latchkey.test';
const AUDIENCE = 'api://latchkey-probe';
/** The guarded service's own key (service-key.ts): what it presents to the decision API, never the rbac break-glass key. */
const DECISION_KEY = deriveServiceKey(Buffer.alloc(32, 1), 'testapi');
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TTL_MS = 30_000;

@Controller('probe')
class ProbeController {
  @Get('reports')
  @RequireScope('reports.read')
  @RequirePermission('reports:read')
  reports(@Operator() actor: string): { actor: string } {
    return { actor };
  }

  @Get('scoped')
  @RequireScope('reports.read')
  scoped(): { ok: true } {
    return { ok: true };
  }

  @Get('health')
  @Public()
  health(): { ok: true } {
    return { ok: true };
  }
}

/** The decision API as the rbac service will serve it: a real HTTP server, counting calls, that can be taken down. */
class FakeDecisionApi {
  readonly calls: { authorization: string | undefined; body: unknown }[] = [];
  readonly allowed = new Set<string>();
  down = false;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      if (this.down) {
        req.socket.destroy();
        return;
      }
      void readBody(req).then((raw) => {
        // The endpoint registry beside it (the module registers the app's endpoints at start): taken, not counted.
        if (req.method === 'PUT') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"changed":true,"permissionsAdded":[]}');
          return;
        }
        const body = JSON.parse(raw) as { subject: { kind: string; id: string }; permission: string };
        this.calls.push({ authorization: req.headers.authorization, body });
        const allow = this.allowed.has(`${body.subject.kind}:${body.subject.id}:${body.permission}`);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ decision: allow ? 'allow' : 'deny', reason: allow ? 'role reader' : 'no assignment' }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/rbac/v1/decisions`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => resolve(raw));
  });
}

/** The first value `probe` gives that is not undefined, polled until the deadline. */
async function settled<T>(probe: () => Promise<T | undefined>, what: string, deadlineMs = 5000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function until(condition: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('RbacGuard', () => {
  const environment = { ...process.env };
  const broker = new InProcessBroker();
  const decisions = new FakeDecisionApi();
  const denials: EventEnvelope<EventInput<typeof RbacDeniedV1>>[] = [];
  let clock = Date.now();
  let key: SigningKey;
  let jwks: Server;
  let handle: ServiceHandle;
  let bus: EventBus;

  const token = async (overrides: { personId?: string; clientId?: string; scopes?: string[]; issuer?: string; expired?: boolean } = {}) => {
    const now = overrides.expired ? new Date(Date.now() - 2 * 3600_000) : new Date();
    const signed = await signInternalAccessToken(
      {
        issuer: overrides.issuer ?? ISSUER,
        audience: AUDIENCE,
        personId: overrides.personId ?? `person-${randomUUID()}`,
        clientId: overrides.clientId ?? 'client-a',
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
  const call = (path: string, bearer?: string) =>
    handle.app.inject({ method: 'GET', url: `/probe/${path}`, headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } });
  const errorOf = (body: string) => (JSON.parse(body) as { error: { code: string; message: string; innererror?: { code: string } } }).error;
  const allow = (personId: string) => decisions.allowed.add(`person:${personId}:reports:read`);

  beforeAll(async () => {
    key = await generateSigningKey('ES256');
    const published = JSON.stringify(new KeyRing([{ key, status: 'active' }]).publicJwks());
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(published));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      LATCHKEY_RBAC_EXCHANGE_ISSUER: ISSUER,
      LATCHKEY_RBAC_EXCHANGE_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
      LATCHKEY_RBAC_AUDIENCE: AUDIENCE,
      LATCHKEY_RBAC_DECISION_URL: await decisions.start(),
      LATCHKEY_TESTAPI_RBAC_KEY: DECISION_KEY,
      LATCHKEY_RBAC_DECISION_CACHE_TTL_MS: String(TTL_MS),
    });

    // As in a service: the guard module once at the root, the controllers in a feature module that does not import it.
    @Module({ controllers: [ProbeController] })
    class ProbeFeatureModule {}

    @Module({
      imports: [
        MessagingModule.forService({ service: 'probe', transport: () => new InProcessTransport(broker) }),
        RbacGuardModule.forService({ service: 'testapi', now: () => clock }),
        ProbeFeatureModule,
      ],
    })
    class ProbeModule {}

    const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
    handle = await createServiceApp({ name: 'rbac-guard-probe', module: ProbeModule, host: '127.0.0.1', port: 0, logStream: silent });
    bus = handle.app.get(EventBus);
    await bus.subscribe({
      group: `denials-${randomUUID()}`,
      events: [RbacDeniedV1],
      handle: async (event) => {
        if (isEvent(event, RbacDeniedV1)) denials.push(event.envelope);
      },
    });
    const feed = handle.app.get(RbacChangeFeed);
    await until(() => feed.staleForMs() === 0, 'the rbac.changed feed to load');
  });

  afterAll(async () => {
    await handle?.close();
    await decisions.stop();
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
    process.env = { ...environment };
  });

  beforeEach(() => {
    decisions.calls.length = 0;
    decisions.down = false;
    clock = Date.now();
  });

  it('admits a token with the scope whose subject the decision API allows, and records the caller for @Operator()', async () => {
    const personId = `person-${randomUUID()}`;
    allow(personId);
    const answer = await call('reports', await token({ personId }));
    expect({ status: answer.statusCode, body: answer.json() }).toEqual({ status: 200, body: { actor: `person:${personId}` } });
    expect(decisions.calls).toEqual([
      { authorization: `Bearer ${DECISION_KEY}`, body: { subject: { kind: 'person', id: personId }, permission: 'reports:read', tenantId: TENANT } },
    ]);
  });

  it('refuses with 401 AccessTokenRevoked a token whose person or OAuth application was revoked after it was minted, and only those', async () => {
    const revoke = async (subject: RevocationSubject, action: 'revoke' | 'reinstate', notBefore: Date) =>
      bus.publish(AccessRevocationV1, { subject, notBefore: notBefore.toISOString(), action, reason: 'ADMIN.MANUAL', alertId: null, actor: 'test' });
    const personId = `person-${randomUUID()}`;
    allow(personId);
    const before = await token({ personId });
    expect((await call('reports', before)).statusCode).toBe(200);

    // The person is revoked: the token minted before is refused at once (no decision asked), with the invalid_token challenge.
    const watermark = new Date();
    await revoke({ kind: 'person', personId }, 'revoke', watermark);
    const refused = await settled(async () => {
      const answer = await call('reports', before);
      return answer.statusCode === 401 ? answer : undefined;
    }, 'the revocation applied');
    expect({ inner: errorOf(refused.body).innererror?.code, challenge: refused.headers['www-authenticate'] }).toEqual({
      inner: 'AccessTokenRevoked',
      challenge: 'Bearer realm="latchkey-testapi", error="invalid_token"',
    });
    // Reinstated (the record carries the watermark on): a token minted after the watermark passes again, the old one never does.
    await revoke({ kind: 'person', personId }, 'reinstate', watermark);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // `iat` counts whole seconds
    const after = await token({ personId });
    await settled(async () => ((await call('reports', after)).statusCode === 200 ? true : undefined), 'the reinstatement applied');
    expect((await call('reports', before)).statusCode).toBe(401);

    // Another person of the same application is not touched; revoking the application is a cascade.
    const other = `person-${randomUUID()}`;
    allow(other);
    const clientId = `client-${randomUUID().slice(0, 8)}`;
    const ofApplication = await token({ personId: other, clientId });
    expect((await call('reports', ofApplication)).statusCode).toBe(200);
    await revoke({ kind: 'oauth-application', clientId }, 'revoke', new Date());
    await settled(async () => ((await call('reports', ofApplication)).statusCode === 401 ? true : undefined), 'the application revocation applied');
  });

  it('decides again on recheck, past the once-per-request admission: a permission taken away, an expired or revoked token, each refused', async () => {
    const guard = handle.app.get(RbacGuard);
    const personId = `person-${randomUUID()}`;
    allow(personId);
    const bearer = await token({ personId });
    const request = { method: 'GET', url: '/probe/reports', raw: { rawHeaders: ['Authorization', `Bearer ${bearer}`] } } as unknown as FastifyRequest;
    const requirement = { scopes: ['reports.read'], permission: 'reports:read', admin: false };
    await expect(guard.recheck(request, requirement)).resolves.toMatchObject({ sub: personId });

    // The role is taken away: once the cached allow is no longer fresh, the decision API is asked again and says no.
    decisions.allowed.delete(`person:${personId}:reports:read`);
    clock += TTL_MS;
    await expect(guard.recheck(request, requirement)).rejects.toMatchObject({ code: 'RBAC.PERMISSION_DENIED' });
    await expect(guard.recheck(request, { ...requirement, scopes: ['reports.write'] })).rejects.toMatchObject({ code: 'RBAC.SCOPE_MISSING' });

    const expired = { raw: { rawHeaders: ['Authorization', `Bearer ${await token({ expired: true })}`] } } as unknown as FastifyRequest;
    await expect(guard.recheck(expired, requirement)).rejects.toMatchObject({ code: 'RBAC.TOKEN_EXPIRED' });
  });

  it('decides an app-only token (sub equal to client_id) as the application', async () => {
    const clientId = `app-${randomUUID()}`;
    decisions.allowed.add(`application:${clientId}:reports:read`);
    const answer = await call('reports', await token({ personId: clientId, clientId }));
    expect({ status: answer.statusCode, body: answer.json() }).toEqual({ status: 200, body: { actor: `application:${clientId}` } });
    expect(decisions.calls.map((c) => c.body)).toEqual([
      { subject: { kind: 'application', id: clientId }, permission: 'reports:read', tenantId: TENANT },
    ]);
  });

  it('refuses by default: a permission the decision API denies is a 403 PermissionMissing naming it, recorded as rbac.denied', async () => {
    const personId = `person-${randomUUID()}`;
    const answer = await call('reports', await token({ personId }));
    expect({ status: answer.statusCode, error: errorOf(answer.body) }).toEqual({
      status: 403,
      error: expect.objectContaining({ code: 'Forbidden', innererror: expect.objectContaining({ code: 'PermissionMissing' }) }),
    });
    expect(errorOf(answer.body).message).toContain('reports:read');
    await until(() => denials.some((d) => d.data.subject === personId), 'the rbac.denied event');
    expect(denials.find((d) => d.data.subject === personId)?.data).toEqual({
      subject: personId,
      subjectKind: 'person',
      permission: 'reports:read',
      scope: 'reports.read',
      endpoint: 'GET /probe/reports',
      reason: 'RBAC.PERMISSION_DENIED',
    });
  });

  it('refuses a token without the scope with 403 ScopeMissing naming it, without asking the decision API', async () => {
    const personId = `person-${randomUUID()}`;
    allow(personId);
    const answer = await call('reports', await token({ personId, scopes: ['other.scope'] }));
    expect({ status: answer.statusCode, inner: errorOf(answer.body).innererror?.code, challenge: answer.headers['www-authenticate'] }).toEqual({
      status: 403,
      inner: 'ScopeMissing',
      challenge: 'Bearer realm="latchkey-testapi", error="insufficient_scope", scope="reports.read"',
    });
    expect(errorOf(answer.body).message).toContain('reports.read');
    expect(decisions.calls).toHaveLength(0);
    await until(() => denials.some((d) => d.data.subject === personId && d.data.reason === 'RBAC.SCOPE_MISSING'), 'the rbac.denied event');
  });

  it('refuses a token with the scope when the permission is missing (403 PermissionMissing), and admits a scope-only endpoint', async () => {
    const bearer = await token();
    expect((await call('scoped', bearer)).statusCode).toBe(200);
    const answer = await call('reports', bearer);
    expect({ status: answer.statusCode, inner: errorOf(answer.body).innererror?.code }).toEqual({ status: 403, inner: 'PermissionMissing' });
  });

  it.each([
    ['no token', async () => undefined, 'AccessTokenMissing', 'Bearer realm="latchkey-testapi"'],
    ['an expired token', () => token({ expired: true }), 'AccessTokenExpired', 'Bearer realm="latchkey-testapi", error="invalid_token"'],
    [
      'a token of a foreign issuer',
      () => token({ issuer: 'https://elsewhere.latchkey.test' }),
      'AccessTokenInvalid',
      'Bearer realm="latchkey-testapi", error="invalid_token"',
    ],
    [
      'a limited access token',
      async () =>
        (
          await signLimitedAccessToken(
            {
              issuer: ISSUER,
              isvId: 'isv-a',
              resourceId: '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face',
              features: ['Face.Verification'],
              lifetimeSeconds: 600,
              now: new Date(),
            },
            key,
          )
        ).token,
      'AccessTokenInvalid',
      'Bearer realm="latchkey-testapi", error="invalid_token"',
    ],
  ])('answers 401 for %s', async (_name, bearer, inner, challenge) => {
    const answer = await call('reports', await bearer());
    expect({ status: answer.statusCode, inner: errorOf(answer.body).innererror?.code, challenge: answer.headers['www-authenticate'] }).toEqual({
      status: 401,
      inner,
      challenge,
    });
    expect(decisions.calls).toHaveLength(0);
  });

  it('refuses repeated Authorization headers instead of picking one', async () => {
    const bearer = await token();
    // Over a real socket: only the raw header list keeps both lines.
    const { port } = new URL(handle.url);
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          `GET /probe/scoped HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bearer}\r\nAuthorization: Bearer ${bearer}\r\nConnection: close\r\n\r\n`,
        ),
      );
      let raw = '';
      socket.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      socket.on('end', () => resolve(raw));
      socket.on('error', reject);
    });
    expect(response.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect(response).toContain('AccessTokenInvalid');
  });

  it('lets @Public() routes through without a token', async () => {
    expect((await call('health')).statusCode).toBe(200);
  });

  it('answers a second request from the cache: the decision API is asked once', async () => {
    const personId = `person-${randomUUID()}`;
    allow(personId);
    const bearer = await token({ personId });
    expect((await call('reports', bearer)).statusCode).toBe(200);
    expect((await call('reports', bearer)).statusCode).toBe(200);
    expect(decisions.calls).toHaveLength(1);
  });

  it('asks again after an rbac.changed with a higher version cleared the cache', async () => {
    const personId = `person-${randomUUID()}`;
    allow(personId);
    const bearer = await token({ personId });
    expect((await call('reports', bearer)).statusCode).toBe(200);
    const cache = handle.app.get(DecisionCache);
    const version = cache.version + 1;
    await bus.publish(RbacChangedV1, { change: 'assignment.removed', ids: { subjectId: personId }, version });
    await until(() => cache.version === version, 'the change to be applied');
    decisions.allowed.delete(`person:${personId}:reports:read`);
    const answer = await call('reports', bearer);
    expect({ status: answer.statusCode, calls: decisions.calls.length }).toEqual({ status: 403, calls: 2 });
  });

  it('fails closed when the decision API is down and the cached decision is older than the TTL (503)', async () => {
    const personId = `person-${randomUUID()}`;
    allow(personId);
    const bearer = await token({ personId });
    expect((await call('reports', bearer)).statusCode).toBe(200);
    decisions.down = true;
    clock += TTL_MS;
    const answer = await call('reports', bearer);
    expect({ status: answer.statusCode, inner: errorOf(answer.body).innererror?.code, retryAfter: answer.headers['retry-after'] }).toEqual({
      status: 503,
      inner: 'AuthorizationUnavailable',
      retryAfter: '1',
    });
  });

  it('answers from a fresh cached decision while the decision API is down, within the TTL', async () => {
    const personId = `person-${randomUUID()}`;
    allow(personId);
    const bearer = await token({ personId });
    expect((await call('reports', bearer)).statusCode).toBe(200);
    decisions.down = true;
    clock += TTL_MS - 1000;
    expect((await call('reports', bearer)).statusCode).toBe(200);
    expect(decisions.calls).toHaveLength(1);
  });

  it('does not use cached decisions while the change feed is stale: the decision API down is then a 503', async () => {
    const personId = `person-${randomUUID()}`;
    allow(personId);
    const bearer = await token({ personId });
    expect((await call('reports', bearer)).statusCode).toBe(200);
    decisions.down = true;
    const stale = jest.spyOn(handle.app.get(RbacChangeFeed), 'staleForMs').mockReturnValue(Number.POSITIVE_INFINITY);
    try {
      expect((await call('reports', bearer)).statusCode).toBe(503);
    } finally {
      stale.mockRestore();
    }
    expect((await call('reports', bearer)).statusCode).toBe(200);
  });
});
