import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { OpenAPIObject } from '@nestjs/swagger';
import { IssuerModule } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { issuerSecretsEnv } from './support/issuer-under-test';

const CLIENT = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face-admin';
const OPERATOR_KEY = `op-${randomBytes(32).toString('base64url')}`;

interface WireError {
  error: { code: string; message: string; innererror?: { code: string; message: string } };
}

interface IsvBody {
  id: string;
  displayName: string;
  status: string;
  grantedFeatures: string[];
  resourceId: string | null;
  dpopRequired: boolean;
  createdAt: string;
}

interface SigningKeyBody {
  kid: string;
  alg: string;
  status: 'next' | 'active' | 'retiring';
  createdAt: string;
  activatesAt: string | null;
  notAfter: string | null;
}

interface IssuedKey {
  keyId: string;
  slot: number;
  hint: string;
  createdAt: string;
  subscriptionKey: string;
  replacedKeyId: string | null;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Every admin route once, on an ISV that may or may not exist, with a body the route accepts. */
function everyRoute(isvId: string): readonly [Method, string, unknown][] {
  return [
    ['POST', '/admin/v1/isvs', { id: isvId, displayName: 'Nobody' }],
    ['GET', '/admin/v1/isvs', undefined],
    ['GET', `/admin/v1/isvs/${isvId}`, undefined],
    ['POST', `/admin/v1/isvs/${isvId}/approve`, undefined],
    ['POST', `/admin/v1/isvs/${isvId}/unapprove`, undefined],
    ['PUT', `/admin/v1/isvs/${isvId}/features/Face.Verification`, undefined],
    ['DELETE', `/admin/v1/isvs/${isvId}/features/Face.Verification`, undefined],
    ['POST', `/admin/v1/isvs/${isvId}/issuing-right/revoke`, { reason: 'ADMIN.TEST' }],
    ['POST', `/admin/v1/isvs/${isvId}/issuing-right/reinstate`, { reason: 'ADMIN.TEST' }],
    ['POST', `/admin/v1/isvs/${isvId}/keys/1`, undefined],
    ['DELETE', `/admin/v1/isvs/${isvId}/keys/1`, undefined],
    ['GET', `/admin/v1/isvs/${isvId}/keys`, undefined],
    ['PUT', `/admin/v1/isvs/${isvId}/dpop-required`, { required: true }],
    ['GET', '/admin/v1/signing-keys', undefined],
    ['POST', '/admin/v1/signing-keys/rotate', undefined],
    ['POST', '/admin/v1/signing-keys/some-kid/retire', { reason: 'ADMIN.TEST' }],
  ];
}

/** The admin API's HTTP surface of one service, with the operator key unless told otherwise. */
function adminClient(service: () => ServiceUnderTest) {
  async function call(method: Method, url: string, options: { body?: unknown; rawBody?: string; authorization?: string | null } = {}) {
    const authorization = options.authorization === undefined ? `Bearer ${OPERATOR_KEY}` : options.authorization;
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers = {
      ...(authorization === null ? {} : { authorization }),
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    };
    return service().handle.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
  }

  async function expectRefusal(response: Awaited<ReturnType<typeof call>>, status: number, code: string, inner: string): Promise<void> {
    expect({ status: response.statusCode, body: response.json<WireError>() }).toMatchObject({
      status,
      body: { error: { code, innererror: { code: inner } } },
    });
    expect(response.headers['x-ms-error-code']).toBe(code);
    expect(response.body).not.toContain(OPERATOR_KEY);
    expect(response.body).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
  }

  return { call, expectRefusal };
}

describeWithInfrastructure('issuer operator admin API over HTTP (real PostgreSQL and Kafka)', () => {
  describe('on PostgreSQL without an operator key', () => {
    let service: ServiceUnderTest;
    const { call, expectRefusal } = adminClient(() => service);

    beforeAll(async () => {
      delete process.env['LATCHKEY_ISSUER_OPERATOR_KEY']; // startServiceUnderTest configures through process.env
      service = await startServiceUnderTest('issuer', IssuerModule, { env: issuerSecretsEnv() });
    });

    afterAll(async () => {
      await service?.stop();
    });

    it('disables the admin API: every route answers 401 AdminApiDisabled, with a key or without', async () => {
      for (const [method, url, body] of everyRoute('isv-disabled')) {
        await expectRefusal(await call(method, url, { body }), 401, 'Unauthorized', 'AdminApiDisabled');
        await expectRefusal(await call(method, url, { body, authorization: null }), 401, 'Unauthorized', 'AdminApiDisabled');
      }
    });

    it('says once at start that the admin API is disabled', () => {
      expect(service.logs.filter((line) => String(line['msg']).includes('break-glass key off'))).toHaveLength(1);
    });
  });

  describe('with an operator key', () => {
    let service: ServiceUnderTest;
    const { call, expectRefusal } = adminClient(() => service);

    beforeAll(async () => {
      // A long cache TTL: only the admin API's own cache invalidation can make its changes visible in time.
      service = await startServiceUnderTest('issuer', IssuerModule, {
        // A prepublish period of seconds, so a rotation completes within the test (the boot warns about it).
        env: {
          ...issuerSecretsEnv(),
          LATCHKEY_ISSUER_OPERATOR_KEY: OPERATOR_KEY,
          LATCHKEY_ISSUER_CACHE_TTL_MS: '60000',
          LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS: '3',
        },
      });
    });

    afterAll(async () => {
      await service?.stop();
    });

    async function issue(subscriptionKey: string) {
      const response = await service.handle.app.inject({
        method: 'POST',
        url: '/sts/v1.0/issueLimitedAccessToken',
        headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': subscriptionKey },
        payload: JSON.stringify({ targetAzureResourceId: CLIENT, featureFlags: ['Face.Verification', 'Face.Identification'] }),
      });
      return { status: response.statusCode, inner: response.statusCode === 200 ? null : (response.json<WireError>().error.innererror?.code ?? null) };
    }

    it.each([
      { what: 'without Authorization', authorization: null, inner: 'OperatorCredentialMissing' },
      { what: 'with a wrong key', authorization: `Bearer ${OPERATOR_KEY.slice(0, -1)}x`, inner: 'OperatorCredentialInvalid' },
      { what: 'with another scheme', authorization: `Basic ${OPERATOR_KEY}`, inner: 'OperatorCredentialMissing' },
      { what: 'with two spaces', authorization: `Bearer  ${OPERATOR_KEY}`, inner: 'OperatorCredentialMissing' },
      { what: 'with the bare key', authorization: OPERATOR_KEY, inner: 'OperatorCredentialMissing' },
    ])('refuses every route $what: 401 $inner, a Bearer challenge, and no change made', async ({ authorization, inner }) => {
      for (const [method, url, body] of everyRoute('isv-unauthenticated')) {
        const response = await call(method, url, { body, authorization });
        await expectRefusal(response, 401, 'Unauthorized', inner);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="latchkey-issuer-admin"');
      }
      await expectRefusal(await call('GET', '/admin/v1/isvs/isv-unauthenticated'), 404, 'NotFound', 'IsvNotFound');
    });

    it('refuses two Authorization headers on the wire, even both with the key', async () => {
      // Node keeps only the first Authorization in `headers`; inject() cannot send two, a socket can.
      const url = new URL('/admin/v1/isvs', service.handle.url);
      // Raw header lists get no automatic Host, and Node's server refuses HTTP/1.1 without one.
      const twice = ['Host', url.host, 'Authorization', `Bearer ${OPERATOR_KEY}`, 'Authorization', `Bearer ${OPERATOR_KEY}`];
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(url, { method: 'GET', headers: twice }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject).end();
      });
      expect({ status: answer.status, body: JSON.parse(answer.body) as unknown }).toMatchObject({
        status: 401,
        body: { error: { code: 'Unauthorized', innererror: { code: 'OperatorCredentialMissing' } } },
      });
    });

    it('creates, reads and lists ISVs; 409 for a taken id, 404 for an unknown one', async () => {
      const created = await call('POST', '/admin/v1/isvs', { body: { id: 'isv-crud', displayName: ' CRUD Ltd ', resourceId: CLIENT } });
      expect(created.statusCode).toBe(201);
      expect(created.headers['location']).toBe('/admin/v1/isvs/isv-crud');
      const isv = created.json<IsvBody>();
      expect(isv).toEqual({
        id: 'isv-crud',
        displayName: 'CRUD Ltd',
        status: 'pending',
        grantedFeatures: [],
        resourceId: CLIENT.toLowerCase(),
        dpopRequired: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });

      const read = await call('GET', '/admin/v1/isvs/isv-crud');
      expect({ status: read.statusCode, body: read.json<IsvBody>() }).toEqual({ status: 200, body: isv });
      const listed = await call('GET', '/admin/v1/isvs');
      expect(listed.statusCode).toBe(200);
      expect(listed.json<{ isvs: IsvBody[] }>().isvs).toContainEqual(isv);

      const duplicate = await call('POST', '/admin/v1/isvs', { body: { id: 'isv-crud', displayName: 'Again' } });
      await expectRefusal(duplicate, 409, 'Conflict', 'IsvAlreadyExists');
      await expectRefusal(await call('GET', '/admin/v1/isvs/isv-nobody'), 404, 'NotFound', 'IsvNotFound');
    });

    it('answers 404 IsvNotFound on every route of an unknown ISV', async () => {
      for (const [method, url, body] of everyRoute('isv-missing').filter(([, url]) => url.includes('isv-missing'))) {
        await expectRefusal(await call(method, url, { body }), 404, 'NotFound', 'IsvNotFound');
      }
    });

    it('refuses invalid input with 400 InvalidAdminRequest', async () => {
      await call('POST', '/admin/v1/isvs', { body: { id: 'isv-strict', displayName: 'Strict' } });
      const invalid: readonly [Method, string, { body?: unknown; rawBody?: string }][] = [
        ['POST', '/admin/v1/isvs', { body: { id: 'isv-extra', displayName: 'Extra', status: 'approved' } }],
        ['POST', '/admin/v1/isvs', { body: { id: 'Not An Id', displayName: 'x' } }],
        ['POST', '/admin/v1/isvs', { body: { id: 'isv-noname' } }],
        ['POST', '/admin/v1/isvs', { body: { id: 'isv-badres', displayName: 'x', resourceId: '/subscriptions/nope' } }],
        ['POST', '/admin/v1/isvs', { body: ['isv-array'] }],
        ['POST', '/admin/v1/isvs/isv-strict/approve', { body: { force: true } }],
        ['PUT', '/admin/v1/isvs/isv-strict/features/face.verification', {}],
        ['PUT', '/admin/v1/isvs/isv-strict/features/Face.Everything', {}],
        ['DELETE', '/admin/v1/isvs/isv-strict/features/Face.Everything', {}],
        ['POST', '/admin/v1/isvs/isv-strict/issuing-right/revoke', { body: {} }],
        ['POST', '/admin/v1/isvs/isv-strict/issuing-right/revoke', { body: { reason: 'contract ended' } }],
        ['POST', '/admin/v1/isvs/isv-strict/issuing-right/revoke', { body: { reason: 'ADMIN.CONTRACT_ENDED', note: 'x' } }],
        ['POST', '/admin/v1/isvs/isv-strict/keys/3', {}],
        ['POST', '/admin/v1/isvs/isv-strict/keys/0', {}],
        ['POST', '/admin/v1/isvs/isv-strict/keys/one', {}],
        ['POST', '/admin/v1/isvs/isv-strict/keys/1', { body: { slot: 2 } }],
        ['DELETE', '/admin/v1/isvs/isv-strict/keys/3', {}],
        ['DELETE', '/admin/v1/isvs/isv-strict/keys/1', {}], // an empty slot
      ];
      for (const [method, url, options] of invalid) {
        const response = await call(method, url, options);
        expect({ method, url, status: response.statusCode }).toEqual({ method, url, status: 400 });
        await expectRefusal(response, 400, 'BadArgument', 'InvalidAdminRequest');
      }
      const keys = await call('GET', '/admin/v1/isvs/isv-strict/keys');
      expect({ status: keys.statusCode, body: keys.json() }).toEqual({ status: 200, body: { keys: [] } });
      expect((await call('GET', '/admin/v1/isvs/isv-strict')).json<IsvBody>()).toMatchObject({ status: 'pending', grantedFeatures: [] });
      await expectRefusal(await call('GET', '/admin/v1/isvs/isv-extra'), 404, 'NotFound', 'IsvNotFound');
    });

    it('refuses a malformed ISV id in the path with 400 before any lookup, never echoing it', async () => {
      const malformed = ['%00', 'ab%00cd', '%E2%80%AE', 'a'.repeat(64), 'a'.repeat(100), 'ISV-UPPER', '-isv'];
      for (const id of malformed) {
        for (const [method, url, body] of everyRoute(id).filter(([, url]) => url.startsWith(`/admin/v1/isvs/${id}`))) {
          const response = await call(method, url, { body });
          expect({ method, url: url.slice(0, 80), status: response.statusCode }).toEqual({ method, url: url.slice(0, 80), status: 400 });
          await expectRefusal(response, 400, 'BadArgument', 'InvalidAdminRequest');
          expect(response.json<WireError>().error.innererror?.message).toBe('The ISV id is invalid (invalid_format).');
          for (const echo of ['\u202e', '\u0000', '%00', '%E2', 'aaaaaaaa', 'UPPER']) expect(response.body).not.toContain(echo);
        }
      }
      // Longer than Fastify's maxParamLength (100), the router refuses the path before any route runs (libs/http answers it).
      const huge = await call('GET', `/admin/v1/isvs/${'a'.repeat(3000)}`);
      expect({ status: huge.statusCode, echoed: huge.body.includes('aaaaaaaa') }).toEqual({ status: 400, echoed: false });
      const kid = await call('POST', '/admin/v1/signing-keys/%00/retire', { body: { reason: 'ADMIN.KEY_COMPROMISED' } });
      await expectRefusal(kid, 400, 'BadArgument', 'InvalidAdminRequest');
    });

    it('refuses control characters and over-long display names with 400, storing nothing', async () => {
      for (const displayName of ['x\u0000y', 'x\ny', 'd'.repeat(201)]) {
        await expectRefusal(
          await call('POST', '/admin/v1/isvs', { body: { id: 'isv-ctl', displayName } }),
          400,
          'BadArgument',
          'InvalidAdminRequest',
        );
      }
      await expectRefusal(await call('GET', '/admin/v1/isvs/isv-ctl'), 404, 'NotFound', 'IsvNotFound');
      await expectRefusal(await call('POST', '/admin/v1/isvs', { body: { id: 'x', displayName: 'x' } }), 400, 'BadArgument', 'InvalidAdminRequest');
    });

    it('runs an ISV from onboarding to revocation and back, every step over HTTP', async () => {
      const created = await call('POST', '/admin/v1/isvs', { body: { id: 'isv-flow', displayName: 'Flow' } });
      expect(created.statusCode).toBe(201);
      const approved = await call('POST', '/admin/v1/isvs/isv-flow/approve');
      expect({ status: approved.statusCode, body: approved.json<IsvBody>() }).toMatchObject({ status: 200, body: { status: 'approved' } });
      for (const flag of ['Face.Verification', 'Face.Identification', 'Face.Verification']) {
        expect((await call('PUT', `/admin/v1/isvs/isv-flow/features/${flag}`)).statusCode).toBe(200);
      }
      expect((await call('GET', '/admin/v1/isvs/isv-flow')).json<IsvBody>().grantedFeatures).toEqual(['Face.Identification', 'Face.Verification']);

      // Slot 1: the key is in the 201 answer, never cached.
      const first = await call('POST', '/admin/v1/isvs/isv-flow/keys/1');
      expect(first.statusCode).toBe(201);
      expect(first.headers['cache-control']).toBe('no-store');
      const key1 = first.json<IssuedKey>();
      expect(key1).toMatchObject({ slot: 1, replacedKeyId: null, subscriptionKey: expect.stringMatching(/^lk_isv_/) });
      expect(key1.hint).toBe(key1.subscriptionKey.slice(-4));
      expect(await issue(key1.subscriptionKey)).toEqual({ status: 200, inner: null });

      // Rotation: slot 2 gets a key, and both keys work.
      const key2 = (await call('POST', '/admin/v1/isvs/isv-flow/keys/2')).json<IssuedKey>();
      expect(key2.slot).toBe(2);
      expect(await issue(key1.subscriptionKey)).toEqual({ status: 200, inner: null });
      expect(await issue(key2.subscriptionKey)).toEqual({ status: 200, inner: null });

      // Shown once: the listing has hints only.
      const listed = await call('GET', '/admin/v1/isvs/isv-flow/keys');
      expect({ status: listed.statusCode, body: listed.json() }).toEqual({
        status: 200,
        body: {
          keys: [
            { keyId: key1.keyId, slot: 1, hint: key1.hint, createdAt: key1.createdAt },
            { keyId: key2.keyId, slot: 2, hint: key2.hint, createdAt: key2.createdAt },
          ],
        },
      });
      expect(listed.body).not.toContain(key1.subscriptionKey);
      expect(listed.body).not.toContain(key2.subscriptionKey);

      // Retire slot 1: the old key is refused at once, the other keeps working.
      const revokedKey = await call('DELETE', '/admin/v1/isvs/isv-flow/keys/1');
      expect({ status: revokedKey.statusCode, body: revokedKey.json() }).toEqual({ status: 200, body: { keyId: key1.keyId, slot: 1 } });
      expect(await issue(key1.subscriptionKey)).toEqual({ status: 401, inner: 'SubscriptionKeyInvalid' });
      expect(await issue(key2.subscriptionKey)).toEqual({ status: 200, inner: null });

      // Revoke the right to issue, with a reason: refused everywhere once the event arrives.
      const revoked = await call('POST', '/admin/v1/isvs/isv-flow/issuing-right/revoke', { body: { reason: 'ADMIN.CONTRACT_ENDED' } });
      expect({ status: revoked.statusCode, body: revoked.json() }).toEqual({
        status: 200,
        body: { isvId: 'isv-flow', action: 'revoke', notBefore: expect.stringMatching(/^\d{4}-/) },
      });
      await eventually(async () => (await issue(key2.subscriptionKey)).inner === 'IsvRevoked', { timeoutMs: 30000, what: 'revocation applied' });
      expect(await issue(key2.subscriptionKey)).toEqual({ status: 403, inner: 'IsvRevoked' });

      const reinstated = await call('POST', '/admin/v1/isvs/isv-flow/issuing-right/reinstate', { body: { reason: 'ADMIN.RESOLVED' } });
      expect({ status: reinstated.statusCode, body: reinstated.json() }).toEqual({
        status: 200,
        body: { isvId: 'isv-flow', action: 'reinstate', notBefore: revoked.json<{ notBefore: string }>().notBefore },
      });
      await eventually(async () => (await issue(key2.subscriptionKey)).status === 200, { timeoutMs: 30000, what: 'reinstatement applied' });

      // Revoking a flag and unapproving close issuance again.
      const narrowed = await call('DELETE', '/admin/v1/isvs/isv-flow/features/Face.Identification');
      const grants = narrowed.json<IsvBody>().grantedFeatures;
      expect({ status: narrowed.statusCode, grants }).toEqual({ status: 200, grants: ['Face.Verification'] });
      expect(await issue(key2.subscriptionKey)).toEqual({ status: 403, inner: 'FeatureNotGrantedToIsv' });
      const unapproved = await call('POST', '/admin/v1/isvs/isv-flow/unapprove');
      expect({ status: unapproved.statusCode, body: unapproved.json<IsvBody>() }).toMatchObject({ status: 200, body: { status: 'pending' } });
      expect(await issue(key2.subscriptionKey)).toEqual({ status: 403, inner: 'IsvNotApproved' });
    });

    it('rotates a slot in place: the replaced key stops, the new one works', async () => {
      await call('POST', '/admin/v1/isvs', { body: { id: 'isv-rotate', displayName: 'Rotate' } });
      await call('PUT', '/admin/v1/isvs/isv-rotate/features/Face.Verification');
      await call('PUT', '/admin/v1/isvs/isv-rotate/features/Face.Identification');
      await call('POST', '/admin/v1/isvs/isv-rotate/approve');
      const old = (await call('POST', '/admin/v1/isvs/isv-rotate/keys/1')).json<IssuedKey>();
      const rotated = await call('POST', '/admin/v1/isvs/isv-rotate/keys/1');
      expect({ status: rotated.statusCode, replaced: rotated.json<IssuedKey>().replacedKeyId }).toEqual({ status: 201, replaced: old.keyId });
      expect(await issue(old.subscriptionKey)).toEqual({ status: 401, inner: 'SubscriptionKeyInvalid' });
      expect(await issue(rotated.json<IssuedKey>().subscriptionKey)).toEqual({ status: 200, inner: null });
    });

    it('requires DPoP proofs of an ISV on demand, and stops requiring them', async () => {
      await call('POST', '/admin/v1/isvs', { body: { id: 'isv-dpop', displayName: 'DPoP' } });
      await call('PUT', '/admin/v1/isvs/isv-dpop/features/Face.Identification');
      await call('PUT', '/admin/v1/isvs/isv-dpop/features/Face.Verification');
      await call('POST', '/admin/v1/isvs/isv-dpop/approve');
      const key = (await call('POST', '/admin/v1/isvs/isv-dpop/keys/1')).json<IssuedKey>().subscriptionKey;
      const required = await call('PUT', '/admin/v1/isvs/isv-dpop/dpop-required', { body: { required: true } });
      expect({ status: required.statusCode, body: required.json<IsvBody>() }).toMatchObject({ status: 200, body: { id: 'isv-dpop', dpopRequired: true } });
      expect(await issue(key)).toEqual({ status: 400, inner: 'DpopProofRequired' });
      await expectRefusal(await call('PUT', '/admin/v1/isvs/isv-dpop/dpop-required', { body: { required: 'yes' } }), 400, 'BadArgument', 'InvalidAdminRequest');
      await expectRefusal(await call('PUT', '/admin/v1/isvs/isv-none/dpop-required', { body: { required: true } }), 404, 'NotFound', 'IsvNotFound');
      const relaxed = await call('PUT', '/admin/v1/isvs/isv-dpop/dpop-required', { body: { required: false } });
      expect(relaxed.json<IsvBody>().dpopRequired).toBe(false);
      expect(await issue(key)).toEqual({ status: 200, inner: null });
    });

    it('rotates the signing key on demand: the next key is published first and signs once verifiers can know it', async () => {
      const before = (await call('GET', '/admin/v1/signing-keys')).json<{ keys: SigningKeyBody[] }>().keys;
      const oldKid = before.find((k) => k.status === 'active')?.kid;
      const requestedAt = Date.now();
      const rotated = await call('POST', '/admin/v1/signing-keys/rotate');
      expect({ status: rotated.statusCode, body: rotated.json<SigningKeyBody>() }).toMatchObject({ status: 202, body: { status: 'next', notAfter: null } });
      const newKid = rotated.json<SigningKeyBody>().kid;
      expect(newKid).not.toBe(oldKid);
      const activatesAt = Date.parse(rotated.json<SigningKeyBody>().activatesAt ?? '');
      expect(activatesAt - requestedAt).toBeGreaterThanOrEqual(2000); // the prepublish period (3 s), give or take the request
      // Published at once, signing nothing yet: the active key is unchanged.
      const jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: { kid: string }[] }>();
      expect(jwks.keys.map((k) => k.kid)).toEqual([oldKid, newKid]);
      const listed = (await call('GET', '/admin/v1/signing-keys')).json<{ keys: SigningKeyBody[] }>().keys;
      expect(listed.find((k) => k.status === 'active')?.kid).toBe(oldKid);
      // Asking again before it took over names the same key.
      expect((await call('POST', '/admin/v1/signing-keys/rotate')).json<SigningKeyBody>().kid).toBe(newKid);
      await eventually(
        async () => {
          const keys = (await call('GET', '/admin/v1/signing-keys')).json<{ keys: SigningKeyBody[] }>().keys;
          return keys.find((k) => k.status === 'active')?.kid === newKid;
        },
        { timeoutMs: 20000, what: 'the next key took over' },
      );
      expect(Date.now()).toBeGreaterThanOrEqual(activatesAt);
      const after = (await call('GET', '/admin/v1/signing-keys')).json<{ keys: SigningKeyBody[] }>().keys;
      expect(after.map((k) => [k.kid, k.status])).toEqual(expect.arrayContaining([[newKid, 'active'], [oldKid, 'retiring']]));
      expect(JSON.stringify(after)).not.toMatch(/"d"/); // never a private member
    });

    it('retires a signing key in an emergency through access.revocation: gone from the JWKS, a new key signs', async () => {
      const active = (await call('GET', '/admin/v1/signing-keys')).json<{ keys: SigningKeyBody[] }>().keys.find((k) => k.status === 'active');
      await expectRefusal(await call('POST', `/admin/v1/signing-keys/${active?.kid}/retire`, { body: { reason: 'compromised' } }), 400, 'BadArgument', 'InvalidAdminRequest');
      // A well-formed kid (an RFC 7638 thumbprint) that names no key is 404; a malformed one never reaches the lookup (400).
      const unknownKid = 'A'.repeat(43);
      await expectRefusal(await call('POST', `/admin/v1/signing-keys/${unknownKid}/retire`, { body: { reason: 'ADMIN.KEY_COMPROMISED' } }), 404, 'NotFound', 'SigningKeyNotFound');
      await expectRefusal(await call('POST', '/admin/v1/signing-keys/no-such-kid/retire', { body: { reason: 'ADMIN.KEY_COMPROMISED' } }), 400, 'BadArgument', 'InvalidAdminRequest');
      const retired = await call('POST', `/admin/v1/signing-keys/${active?.kid}/retire`, { body: { reason: 'ADMIN.KEY_COMPROMISED' } });
      expect({ status: retired.statusCode, kid: retired.json<{ kid: string }>().kid }).toEqual({ status: 202, kid: active?.kid });
      const revocations = await service.database.query(
        "SELECT 1 FROM issuer.outbox WHERE topic = 'access.revocation' AND envelope->'data'->'subject'->>'keyId' = $1",
        [active?.kid],
      );
      expect(revocations).toHaveLength(1);
      await eventually(
        async () => {
          const jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<{ keys: { kid: string }[] }>();
          return !jwks.keys.some((k) => k.kid === active?.kid);
        },
        { timeoutMs: 30000, what: 'the retired key left the JWKS' },
      );
      const now = (await call('GET', '/admin/v1/signing-keys')).json<{ keys: SigningKeyBody[] }>().keys;
      expect(now.find((k) => k.status === 'active')?.kid).not.toBe(active?.kid);
    });

    it('never logs the operator key or a subscription key', async () => {
      const issued = (await call('POST', '/admin/v1/isvs/isv-rotate/keys/2')).json<IssuedKey>();
      const logs = JSON.stringify(service.logs);
      expect(logs).not.toContain(OPERATOR_KEY);
      expect(logs).not.toContain(issued.subscriptionKey);
    });

    it('describes the admin routes in OpenAPI behind bearer authentication', async () => {
      const document = (await service.handle.app.inject({ method: 'GET', url: '/docs/json' })).json<OpenAPIObject>();
      expect(document.components?.securitySchemes?.['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
      const admin = Object.entries(document.paths).filter(([path]) => path.startsWith('/admin/v1/'));
      expect(admin.map(([path]) => path).sort()).toEqual([
        '/admin/v1/isvs',
        '/admin/v1/isvs/{isvId}',
        '/admin/v1/isvs/{isvId}/approve',
        '/admin/v1/isvs/{isvId}/dpop-required',
        '/admin/v1/isvs/{isvId}/features/{flag}',
        '/admin/v1/isvs/{isvId}/issuing-right/reinstate',
        '/admin/v1/isvs/{isvId}/issuing-right/revoke',
        '/admin/v1/isvs/{isvId}/keys',
        '/admin/v1/isvs/{isvId}/keys/{slot}',
        '/admin/v1/isvs/{isvId}/unapprove',
        '/admin/v1/signing-keys',
        '/admin/v1/signing-keys/rotate',
        '/admin/v1/signing-keys/{kid}/retire',
      ]);
      for (const [, item] of admin) {
        for (const operation of [item.get, item.post, item.put, item.delete]) if (operation) expect(operation.security).toEqual([{ bearer: [] }]);
      }
    });
  });
});
