import { randomBytes, randomUUID } from 'node:crypto';
import { IdentityCreatedV1, type EventData } from '@latchkey/contracts';
import { ExchangeModule, MapIdentityUseCase, type MappedIdentity } from '@latchkey/exchange/feature';
import { OPENAPI_JSON_PATH } from '@latchkey/http';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateSigningKey } from '@latchkey/tokens';

const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
const run = randomUUID().slice(0, 8);

type IdentityCreated = EventData<typeof IdentityCreatedV1> & { eventId: string };

describeWithInfrastructure('exchange identities and OAuth applications (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;
  const created: IdentityCreated[] = [];

  beforeAll(async () => {
    // The exchange needs its own token signing key and URL to boot on PostgreSQL.
    const key = await generateSigningKey('ES256');
    service = await startServiceUnderTest('exchange', ExchangeModule, {
      env: {
        LATCHKEY_EXCHANGE_OPERATOR_KEY: OPERATOR_KEY,
        LATCHKEY_EXCHANGE_URL: 'https://exchange.latchkey.test',
        LATCHKEY_EXCHANGE_SIGNING_KEY: JSON.stringify(key.privateJwk),
        // The scopes the applications below may allow (never called: no exchange goes through the gateway here).
        LATCHKEY_EXCHANGE_UPSTREAMS: JSON.stringify({
          testapi: { url: 'http://127.0.0.1:9/testapi', audience: 'api://latchkey-testapi', scopes: ['testapi.read', 'testapi.write'] },
          a: { url: 'http://127.0.0.1:9/a', audience: 'api://a', scopes: ['a.read'] },
        }),
      },
    });
    await service.bus.subscribe({
      group: `test.exchange-identities.${run}`,
      events: [IdentityCreatedV1],
      handle: async (event) => {
        created.push({ ...(event.envelope.data as EventData<typeof IdentityCreatedV1>), eventId: event.envelope.id });
      },
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  const mapIdentity = () => service.handle.app.get(MapIdentityUseCase);
  const aSighting = (objectId: string = randomUUID(), tenantId: string = randomUUID()) => ({
    tenantId,
    objectId,
    displayName: 'Katherine Johnson',
    username: 'katherine@contoso.example',
  });
  const personId = (mapped: MappedIdentity | undefined) => (mapped?.ok ? mapped.personId : undefined);

  describe('identity mapping', () => {
    it('creates exactly one person and one identity.created event for 50 concurrent first sights of a new (tid, oid)', async () => {
      const sighting = aSighting();

      const all = await Promise.all(Array.from({ length: 50 }, () => mapIdentity().execute(sighting, 'create')));

      const people = new Set(all.map(personId));
      expect(people.size).toBe(1);
      expect(all.every((m) => m.ok)).toBe(true);
      expect(all.filter((m) => m.ok && m.created)).toHaveLength(1);
      const rows = await service.database.query('SELECT person_id FROM exchange.identities WHERE tenant_id = $1 AND object_id = $2', [
        sighting.tenantId,
        sighting.objectId,
      ]);
      expect(rows).toHaveLength(1);
      const outboxed = await service.database.query(
        "SELECT event_id FROM exchange.outbox WHERE envelope->>'type' = 'com.latchkey.identity.created.v1' AND envelope->'data'->>'objectId' = $1",
        [sighting.objectId],
      );
      expect(outboxed).toHaveLength(1);
      const [id] = [...people];
      await eventually(async () => created.some((e) => e.personId === id), { timeoutMs: 45_000, what: 'identity.created on Kafka' });
      expect(created.filter((e) => e.objectId === sighting.objectId)).toEqual([
        { personId: id, tenantId: sighting.tenantId, objectId: sighting.objectId, displayName: 'Katherine Johnson', eventId: expect.any(String) },
      ]);
    });

    it('maps the same oid in two tenants to two people', async () => {
      const objectId = randomUUID();

      const [a, b] = await Promise.all([mapIdentity().execute(aSighting(objectId), 'create'), mapIdentity().execute(aSighting(objectId), 'create')]);

      expect(a).toMatchObject({ ok: true, created: true });
      expect(b).toMatchObject({ ok: true, created: true });
      expect(personId(a)).not.toBe(personId(b));
    });

    it('refreshes the display name on a later sight, without a second identity.created', async () => {
      const sighting = aSighting();
      const first = await mapIdentity().execute(sighting, 'create');

      const later = await mapIdentity().execute({ ...sighting, displayName: 'Katherine G. Johnson' }, 'create');

      expect(personId(later)).toBe(personId(first));
      const [row] = await service.database.query<{ display_name: string }>('SELECT display_name FROM exchange.identities WHERE person_id = $1', [
        personId(first),
      ]);
      expect(row?.display_name).toBe('Katherine G. Johnson');
      const outboxed = await service.database.query("SELECT 1 FROM exchange.outbox WHERE envelope->'data'->>'objectId' = $1", [sighting.objectId]);
      expect(outboxed).toHaveLength(1);
    });

    it('creates nobody in link-only or deny mode', async () => {
      const sighting = aSighting();

      await expect(mapIdentity().execute(sighting, 'link-only')).resolves.toEqual({ ok: false, code: 'EXCHANGE.PERSON_UNKNOWN' });
      await expect(mapIdentity().execute(sighting, 'deny')).resolves.toEqual({ ok: false, code: 'EXCHANGE.PROVISIONING_DENIED' });

      expect(await service.database.query('SELECT 1 FROM exchange.identities WHERE object_id = $1', [sighting.objectId])).toHaveLength(0);
    });
  });

  describe('admin API /admin/v1/oauth-applications', () => {
    const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, key: string | null = OPERATOR_KEY) =>
      service.handle.app.inject({
        method,
        url,
        headers: {
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      });

    it('creates an application answering its secret once, lists and reads it without the secret, and disables it', async () => {
      const tenant = randomUUID();
      const create = await admin('POST', '/admin/v1/oauth-applications', {
        displayName: `Reports ${run}`,
        scopes: { 'testapi.read': ['testapi:read'], 'testapi.write': ['testapi:read', 'testapi:write'] },
        tokenLifetimeSeconds: 900,
        allowedTenantIds: [tenant.toUpperCase()],
        provisioning: 'link-only',
      });
      expect(create.statusCode).toBe(201);
      expect(create.headers['cache-control']).toBe('no-store');
      const app = create.json<{ clientId: string; clientSecret: string }>();
      expect(app).toMatchObject({
        clientSecret: expect.stringMatching(/^lk_app_/),
        enabled: true,
        tokenLifetimeSeconds: 900,
        allowedTenantIds: [tenant],
        appOnlyPolicy: 'deny',
        requireClientMatch: true,
        provisioning: 'link-only',
        hasClientSecret: true,
      });
      expect(create.headers.location).toBe(`/admin/v1/oauth-applications/${app.clientId}`);

      const list = await admin('GET', '/admin/v1/oauth-applications');
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(app.clientSecret);
      expect(list.body).not.toContain('clientSecretHash');
      expect(list.json<{ applications: { clientId: string }[] }>().applications.map((a) => a.clientId)).toContain(app.clientId);

      const read = await admin('GET', `/admin/v1/oauth-applications/${app.clientId}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).not.toHaveProperty('clientSecret');

      const disabled = await admin('POST', `/admin/v1/oauth-applications/${app.clientId}/disable`);
      expect(disabled.statusCode).toBe(200);
      expect(disabled.json()).toMatchObject({ clientId: app.clientId, enabled: false });
      const [row] = await service.database.query<{ enabled: boolean }>('SELECT enabled FROM exchange.oauth_applications WHERE client_id = $1', [
        app.clientId,
      ]);
      expect(row?.enabled).toBe(false);
    });

    it('changes policies and rotates the secret, showing the new one once', async () => {
      const app = (await admin('POST', '/admin/v1/oauth-applications', { displayName: 'Rotating', scopes: { 'a.read': [] } })).json<{
        clientId: string;
        clientSecret: string;
      }>();

      const patched = await admin('PATCH', `/admin/v1/oauth-applications/${app.clientId}`, { appOnlyPolicy: 'allow', requireClientMatch: false });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ appOnlyPolicy: 'allow', requireClientMatch: false, scopes: { 'a.read': [] } });

      const rotated = await admin('POST', `/admin/v1/oauth-applications/${app.clientId}/secret`);
      expect(rotated.statusCode).toBe(200);
      expect(rotated.headers['cache-control']).toBe('no-store');
      expect(rotated.json<{ clientSecret: string }>().clientSecret).not.toBe(app.clientSecret);
    });

    it('refuses an unknown field with the Azure error shape, naming the field, never its value', async () => {
      const pasted = `lk_app_${randomBytes(16).toString('hex')}`;

      const res = await admin('POST', '/admin/v1/oauth-applications', { displayName: 'x', scopes: {}, provisioning: pasted });

      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'BadArgument', innererror: { code: 'InvalidAdminRequest' } } });
      expect(res.body).toContain('provisioning');
      expect(res.body).not.toContain(pasted);
    });

    const KNOWN = 'Known scopes: "a.read", "latchkey.admin", "testapi.read", "testapi.write".';
    const scopeNotDeclared = (message: string) => ({
      status: 400,
      body: { error: { code: 'BadArgument', message, innererror: { code: 'ScopeNotDeclared', message } } },
    });

    it('refuses to create an application allowing a scope no audience declares, naming it and the known scopes, storing nothing', async () => {
      const clientId = randomUUID();

      const res = await admin('POST', '/admin/v1/oauth-applications', {
        clientId,
        displayName: 'Typo',
        scopes: { 'testapi.read': [], 'testapi.raed': [] },
      });

      expect({ status: res.statusCode, body: res.json() }).toEqual(
        scopeNotDeclared(
          `The body field scopes allows a scope that no audience declares, so no token could ever carry it ("testapi.raed"). ${KNOWN}`,
        ),
      );
      expect(res.headers['cache-control']).toBe('no-store');
      expect((await admin('GET', `/admin/v1/oauth-applications/${clientId}`)).statusCode).toBe(404);
    });

    it('refuses to change the scopes to undeclared ones, keeping the stored ones, and never repeats one shaped like a key', async () => {
      const app = (await admin('POST', '/admin/v1/oauth-applications', { displayName: 'Narrowing', scopes: { 'a.read': [] } })).json<{
        clientId: string;
      }>();
      const pasted = `lk_app_${randomBytes(32).toString('base64url')}`;

      const res = await admin('PATCH', `/admin/v1/oauth-applications/${app.clientId}`, { scopes: { 'hr.read': [], [pasted]: [] } });

      expect({ status: res.statusCode, body: res.json() }).toEqual(
        scopeNotDeclared(
          `The body field scopes allows 2 scopes that no audience declares, so no token could ever carry them ("hr.read" and 1 not repeated here). ${KNOWN}`,
        ),
      );
      expect(res.body).not.toContain(pasted);
      expect((await admin('GET', `/admin/v1/oauth-applications/${app.clientId}`)).json()).toMatchObject({ scopes: { 'a.read': [] } });
    });

    it('documents the refusal of undeclared scopes on create and change in OpenAPI', async () => {
      const doc = (await service.handle.app.inject({ method: 'GET', url: OPENAPI_JSON_PATH })).json<{
        paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
      }>();

      expect(doc.paths['/admin/v1/oauth-applications']?.['post']?.responses['400']?.description).toContain('ScopeNotDeclared');
      expect(doc.paths['/admin/v1/oauth-applications/{clientId}']?.['patch']?.responses['400']?.description).toContain('ScopeNotDeclared');
    });

    it('answers 404 for an unknown application and 409 for a client id taken', async () => {
      const clientId = randomUUID();
      expect((await admin('GET', `/admin/v1/oauth-applications/${clientId}`)).json()).toMatchObject({
        error: { code: 'NotFound', innererror: { code: 'OAuthApplicationNotFound' } },
      });
      expect((await admin('POST', '/admin/v1/oauth-applications', { clientId, displayName: 'a', scopes: {} })).statusCode).toBe(201);
      const again = await admin('POST', '/admin/v1/oauth-applications', { clientId, displayName: 'b', scopes: {} });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ error: { code: 'Conflict', innererror: { code: 'OAuthApplicationExists' } } });
    });

    it('documents every route in OpenAPI, with the create body generated from its schema', async () => {
      const doc = (await service.handle.app.inject({ method: 'GET', url: OPENAPI_JSON_PATH })).json<{
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>>;
      }>();

      expect(Object.keys(doc.paths).filter((path) => path.startsWith('/admin/v1/oauth-applications'))).toEqual(
        expect.arrayContaining([
          '/admin/v1/oauth-applications',
          '/admin/v1/oauth-applications/{clientId}',
          '/admin/v1/oauth-applications/{clientId}/enable',
          '/admin/v1/oauth-applications/{clientId}/disable',
          '/admin/v1/oauth-applications/{clientId}/secret',
        ]),
      );
      const createBody = doc.paths['/admin/v1/oauth-applications']?.['post']?.requestBody?.content['application/json']?.schema;
      expect(Object.keys(createBody?.properties ?? {})).toEqual(
        expect.arrayContaining(['scopes', 'provisioning', 'appOnlyPolicy', 'requireClientMatch']),
      );
    });

    it('refuses a request without or with a wrong operator key, the same way', async () => {
      const missing = await admin('GET', '/admin/v1/oauth-applications', undefined, null);
      const wrong = await admin('GET', '/admin/v1/oauth-applications', undefined, `lk_op_${randomBytes(32).toString('base64url')}`);

      expect([missing.statusCode, wrong.statusCode]).toEqual([401, 401]);
      expect(missing.json()).toMatchObject({ error: { code: 'Unauthorized', innererror: { code: 'OperatorCredentialMissing' } } });
      expect(wrong.json()).toMatchObject({ error: { code: 'Unauthorized', innererror: { code: 'OperatorCredentialInvalid' } } });
      expect(missing.json<{ error: { message: string } }>().error.message).toBe(wrong.json<{ error: { message: string } }>().error.message);
    });
  });
});
