import { randomBytes, randomUUID } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import { FaceApiModule } from '@latchkey/face-api/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';
import { expectRefusal, httpClient } from './support/face-api-client';

const OPERATOR_KEY = `op-${randomBytes(32).toString('base64url')}`;
const CHALLENGE = 'Bearer realm="latchkey-face-api-admin"';

/** A client's Face resource id in Azure's mixed case, new per call. */
function aResourceId(): string {
  return `/subscriptions/${randomUUID()}/resourceGroups/Client-RG/providers/Microsoft.CognitiveServices/accounts/Face-${randomUUID().slice(0, 8)}`;
}

/** The admin path of a resource, ARM-style: its id is the rest of the path. */
function pathOf(resourceId: string, suffix = ''): string {
  return `/admin/v1/client-resources${resourceId}${suffix}`;
}

interface CreatedResource {
  resourceId: string;
  displayName: string;
  createdAt: string;
  subscriptionKey: string;
}

type Method = 'GET' | 'POST' | 'DELETE';

/** Every admin route once, on a resource that may or may not exist, with a body the route accepts. */
function everyRoute(resourceId: string): readonly [Method, string, unknown][] {
  return [
    ['POST', '/admin/v1/client-resources', { resourceId, displayName: 'Nobody' }],
    ['GET', '/admin/v1/client-resources', undefined],
    ['GET', pathOf(resourceId), undefined],
    ['POST', pathOf(resourceId, '/key'), undefined],
    ['DELETE', pathOf(resourceId), undefined],
  ];
}

describeWithInfrastructure('face-api operator admin API over HTTP (real PostgreSQL and Kafka)', () => {
  describe('on PostgreSQL without an operator key', () => {
    let service: ServiceUnderTest;
    const call = httpClient(() => service);

    beforeAll(async () => {
      delete process.env['LATCHKEY_FACE_API_OPERATOR_KEY']; // startServiceUnderTest configures through process.env
      service = await startServiceUnderTest('face-api', FaceApiModule);
    });

    afterAll(async () => {
      await service?.stop();
    });

    it('disables the admin API: every route answers 401 AdminApiDisabled, with a key or without', async () => {
      for (const [method, url, body] of everyRoute(aResourceId())) {
        expectRefusal(await call(method, url, { body, headers: { authorization: `Bearer ${OPERATOR_KEY}` } }), 401, 'Unauthorized', 'AdminApiDisabled');
        expectRefusal(await call(method, url, { body }), 401, 'Unauthorized', 'AdminApiDisabled');
      }
    });

    it('says once at start that the admin API is disabled, naming its variable', () => {
      const lines = service.logs.filter((line) => String(line['msg']).includes('break-glass key off'));
      expect(lines).toEqual([expect.objectContaining({ msg: expect.stringContaining('LATCHKEY_FACE_API_OPERATOR_KEY') })]);
    });
  });

  describe('with an operator key', () => {
    let service: ServiceUnderTest;
    const call = httpClient(() => service);
    const admin = (method: Method, url: string, body?: unknown) => call(method, url, { body, headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
    const detect = (key: string) => call('POST', '/face/v1.0/detect', { body: { url: 'https://images.example.com/a.jpg' }, headers: { 'ocp-apim-subscription-key': key } });

    beforeAll(async () => {
      // A long cache TTL: only the admin API's own cache invalidation can make its changes visible in time.
      service = await startServiceUnderTest('face-api', FaceApiModule, {
        env: { LATCHKEY_FACE_API_OPERATOR_KEY: OPERATOR_KEY, LATCHKEY_FACE_API_CACHE_TTL_MS: '60000' },
      });
    });

    afterAll(async () => {
      await service?.stop();
    });

    it.each<{ what: string; headers: Record<string, string>; inner: string }>([
      { what: 'without Authorization', headers: {}, inner: 'OperatorCredentialMissing' },
      { what: 'with a wrong key', headers: { authorization: `Bearer ${OPERATOR_KEY.slice(0, -1)}x` }, inner: 'OperatorCredentialInvalid' },
      { what: 'with another scheme', headers: { authorization: `Basic ${OPERATOR_KEY}` }, inner: 'OperatorCredentialMissing' },
      { what: 'with the bare key', headers: { authorization: OPERATOR_KEY }, inner: 'OperatorCredentialMissing' },
      { what: 'with the key as a subscription key', headers: { 'ocp-apim-subscription-key': OPERATOR_KEY }, inner: 'OperatorCredentialMissing' },
    ])('refuses every route $what: 401 $inner, a Bearer challenge, and no change made', async ({ headers, inner }) => {
      const resourceId = aResourceId();
      for (const [method, url, body] of everyRoute(resourceId)) {
        const response = await call(method, url, { body, headers });
        expectRefusal(response, 401, 'Unauthorized', inner, [OPERATOR_KEY]);
        expect(response.headers['www-authenticate']).toBe(CHALLENGE);
      }
      expectRefusal(await admin('GET', pathOf(resourceId)), 404, 'NotFound', 'ClientResourceNotFound');
    });

    it('creates a resource whose key is shown once and works on /face/v1.0/detect at once', async () => {
      const resourceId = aResourceId();
      const created = await admin('POST', '/admin/v1/client-resources', { resourceId, displayName: ' Door maker ' });
      expect(created.statusCode).toBe(201);
      expect(created.headers['cache-control']).toBe('no-store');
      expect(created.headers['location']).toBe(pathOf(resourceId.toLowerCase()));
      const body = created.json<CreatedResource>();
      expect(body).toEqual({
        resourceId: resourceId.toLowerCase(),
        displayName: 'Door maker',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        subscriptionKey: expect.stringMatching(/^lk_cli_[A-Za-z0-9_-]{43}$/),
      });
      expect((await detect(body.subscriptionKey)).statusCode).toBe(200);

      // Shown once: reading and listing never show the key.
      const { subscriptionKey, ...view } = body;
      const read = await admin('GET', pathOf(resourceId.toUpperCase()));
      expect({ status: read.statusCode, body: read.json() }).toEqual({ status: 200, body: view });
      const encoded = await admin('GET', `/admin/v1/client-resources/${encodeURIComponent(resourceId)}`);
      expect({ status: encoded.statusCode, body: encoded.json() }).toEqual({ status: 200, body: view });
      expect((await admin('GET', created.headers['location'] as string)).json()).toEqual(view);
      const listed = await admin('GET', '/admin/v1/client-resources');
      expect(listed.json<{ clientResources: unknown[] }>().clientResources).toContainEqual(view);
      expect(read.body + listed.body).not.toContain(subscriptionKey);
    });

    it('refuses a second resource with the same id in another case: 409 ClientResourceAlreadyExists', async () => {
      const resourceId = aResourceId();
      await admin('POST', '/admin/v1/client-resources', { resourceId, displayName: 'First' });
      expectRefusal(await admin('POST', '/admin/v1/client-resources', { resourceId: resourceId.toUpperCase(), displayName: 'Again' }), 409, 'Conflict', 'ClientResourceAlreadyExists');
    });

    it('rotates the key: the new key is shown once and works, the old one is refused 401 at once', async () => {
      const resourceId = aResourceId();
      const old = (await admin('POST', '/admin/v1/client-resources', { resourceId, displayName: 'Rotating' })).json<CreatedResource>().subscriptionKey;
      expect((await detect(old)).statusCode).toBe(200); // now remembered by this instance

      const rotated = await admin('POST', pathOf(resourceId, '/key'));
      expect(rotated.statusCode).toBe(201);
      expect(rotated.headers['cache-control']).toBe('no-store');
      const fresh = rotated.json<{ resourceId: string; subscriptionKey: string }>();
      expect(fresh).toEqual({ resourceId: resourceId.toLowerCase(), subscriptionKey: expect.stringMatching(/^lk_cli_/) });
      expect(fresh.subscriptionKey).not.toBe(old);

      expectRefusal(await detect(old), 401, '401', 'SubscriptionKeyInvalid', [old]);
      expect((await detect(fresh.subscriptionKey)).statusCode).toBe(200);
    });

    it('deletes a resource: its key is refused at once, and it is gone', async () => {
      const resourceId = aResourceId();
      const key = (await admin('POST', '/admin/v1/client-resources', { resourceId, displayName: 'Leaving' })).json<CreatedResource>().subscriptionKey;
      expect((await detect(key)).statusCode).toBe(200);

      const deleted = await admin('DELETE', pathOf(resourceId));
      expect({ status: deleted.statusCode, body: deleted.json() }).toEqual({ status: 200, body: { resourceId: resourceId.toLowerCase() } });

      expectRefusal(await detect(key), 401, '401', 'SubscriptionKeyInvalid');
      expectRefusal(await admin('GET', pathOf(resourceId)), 404, 'NotFound', 'ClientResourceNotFound');
    });

    it('answers 404 ClientResourceNotFound on every route of an unknown resource', async () => {
      for (const [method, url, body] of everyRoute(aResourceId()).filter(([, url]) => url.includes('/subscriptions/'))) {
        expectRefusal(await admin(method, url, body), 404, 'NotFound', 'ClientResourceNotFound');
      }
    });

    it('refuses invalid input with 400 InvalidAdminRequest, changing nothing', async () => {
      const resourceId = aResourceId();
      const invalid: readonly [Method, string, unknown][] = [
        ['POST', '/admin/v1/client-resources', { resourceId, displayName: 'Extra', subscriptionKey: 'mine' }],
        ['POST', '/admin/v1/client-resources', { resourceId }],
        ['POST', '/admin/v1/client-resources', { resourceId, displayName: '' }],
        ['POST', '/admin/v1/client-resources', { resourceId: 'face-one', displayName: 'x' }],
        ['POST', '/admin/v1/client-resources', { resourceId: resourceId.replace('Microsoft.CognitiveServices/accounts', 'Microsoft.Storage/storageAccounts'), displayName: 'x' }],
        ['POST', '/admin/v1/client-resources', [resourceId]],
        // The issuer's own resource id rule: no token could ever be issued for an account name ending with a hyphen.
        ['POST', '/admin/v1/client-resources', { resourceId: `${resourceId}-`, displayName: 'x' }],
        ['GET', pathOf(`${resourceId}-`), undefined],
        ['GET', '/admin/v1/client-resources/face-one', undefined],
        ['POST', '/admin/v1/client-resources/face-one/key', undefined],
        ['DELETE', '/admin/v1/client-resources/face-one', undefined],
        ['POST', pathOf(resourceId, '/key'), { rotate: true }],
        ['POST', pathOf(resourceId), undefined], // a POST to the resource itself is no route: rotation is …/key
        ['GET', '/admin/v1/client-resources/', undefined],
      ];
      for (const [method, url, body] of invalid) {
        const response = await admin(method, url, body);
        expect({ method, url, status: response.statusCode }).toEqual({ method, url, status: 400 });
        expectRefusal(response, 400, 'BadArgument', 'InvalidAdminRequest', ['mine']);
      }
      expectRefusal(await admin('GET', pathOf(resourceId)), 404, 'NotFound', 'ClientResourceNotFound');
    });

    it('never logs the operator key or a subscription key', async () => {
      const created = (await admin('POST', '/admin/v1/client-resources', { resourceId: aResourceId(), displayName: 'Logged' })).json<CreatedResource>();
      await detect(created.subscriptionKey);
      const logs = JSON.stringify(service.logs);
      expect(logs).not.toContain(OPERATOR_KEY);
      expect(logs).not.toContain(created.subscriptionKey);
    });

    it('describes the admin routes in OpenAPI behind bearer authentication', async () => {
      const document = (await call('GET', '/docs/json')).json<OpenAPIObject>();
      const admin = Object.entries(document.paths).filter(([path]) => path.startsWith('/admin/v1/'));
      expect(admin.map(([path]) => path).sort()).toEqual([
        '/admin/v1/client-resources',
        '/admin/v1/client-resources/{path}', // a resource's id, ARM-style; POST …/key rotates
      ]);
      for (const [, item] of admin) {
        for (const operation of [item.get, item.post, item.delete].filter((o) => o !== undefined)) expect(operation.security).toEqual([{ bearer: [] }]);
      }
    });
  });
});
