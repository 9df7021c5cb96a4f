import { randomUUID } from 'node:crypto';
import { RevocationCache } from '@latchkey/access-guards';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { IssuanceRepository } from '@latchkey/issuer/data-access';
import { IssuerModule, SigningKeyService } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateApiKey, verifyLimitedAccessToken, type PublicJwks } from '@latchkey/tokens';
import { issuerSecretsEnv, onboardIsv } from './support/issuer-under-test';

const SUB = 'dc4d27d9-ea49-4921-938f-7782a774e151';
const resource = (name: string) => `/subscriptions/${SUB}/resourceGroups/Client-RG/providers/Microsoft.CognitiveServices/accounts/${name}`;
const CLIENT = resource('client-face-api');
const ISSUER_URL = 'http://issuer.test';

interface WireError {
  error: { code: string; message: string; innererror?: { code: string; message: string } };
}

describeWithInfrastructure('POST /sts/v1.0/issueLimitedAccessToken (real PostgreSQL and Kafka)', () => {
  let service: ServiceUnderTest;
  const keys = { full: '', limited: '', pending: '', revoked: '' };
  const ids = {
    full: `isv-full-${randomUUID()}`,
    limited: `isv-limited-${randomUUID()}`,
    pending: `isv-pending-${randomUUID()}`,
    revoked: `isv-revoked-${randomUUID()}`,
  };

  beforeAll(async () => {
    service = await startServiceUnderTest('issuer', IssuerModule, {
      // Seconds, not minutes, between a rotation and the new key's first token, so the test can watch it.
      env: { ...issuerSecretsEnv(), LATCHKEY_ISSUER_URL: ISSUER_URL, LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS: '2' },
    });
    const all = ['Face.Identification', 'Face.Verification', 'LimitedAccess.HighRisk'] as const;
    keys.full = await onboardIsv(service, { id: ids.full, features: all });
    keys.limited = await onboardIsv(service, { id: ids.limited, features: ['Face.Verification'] });
    keys.pending = await onboardIsv(service, { id: ids.pending, features: all, approved: false });
    keys.revoked = await onboardIsv(service, { id: ids.revoked, features: all });
    await new IssuanceRepository(service.database).block(ids.full, resource('blocked-client').toLowerCase(), 'misuse');
    await service.bus.publish(AccessRevocationV1, {
      subject: { kind: 'isv', isvId: ids.revoked },
      notBefore: new Date().toISOString(),
      action: 'revoke',
      reason: 'ADMIN.MANUAL',
      alertId: null,
      actor: 'integration-test',
    });
    const cache = service.handle.app.get(RevocationCache);
    await eventually(() => cache.blocks([{ kind: 'isv', isvId: ids.revoked }]), { timeoutMs: 45000, what: 'ISV revocation applied' });
  });

  afterAll(async () => {
    await service?.stop();
  });

  function issue(options: { key?: string; query?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) {
    return service.handle.app.inject({
      method: 'POST',
      url: `/sts/v1.0/issueLimitedAccessToken${options.query ?? ''}`,
      headers: {
        'content-type': 'application/json',
        ...(options.key ? { 'ocp-apim-subscription-key': options.key } : {}),
        ...options.headers,
      },
      payload: options.rawBody ?? JSON.stringify(options.body ?? { targetAzureResourceId: CLIENT, featureFlags: ['Face.Identification'] }),
    });
  }

  /** The ISV self-service client routes, as the fully granted ISV. */
  function selfService(method: 'GET' | 'POST', path: string, body?: unknown) {
    return service.handle.app.inject({
      method,
      url: `/sts/v1.0/isv/clients${path}`,
      headers: { 'ocp-apim-subscription-key': keys.full, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
  }

  async function expectRefusal(response: Awaited<ReturnType<typeof issue>>, status: number, code: string, inner: string): Promise<void> {
    expect({ status: response.statusCode, body: response.json<WireError>() }).toMatchObject({
      status,
      body: { error: { code, innererror: { code: inner } } },
    });
    expect(response.headers['x-ms-error-code']).toBe(code);
    expect(response.body).not.toMatch(/eyJ[\w-]+\.eyJ/); // never a token in a refusal
  }

  it('issues a token that verifies against the published JWKS, for exactly expiredTime seconds, recorded with its event', async () => {
    const response = await issue({
      key: keys.full,
      query: '?expiredTime=600',
      body: { targetAzureResourceId: CLIENT, featureFlags: ['Face.Identification', 'Face.Verification'] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/jwt');
    expect(response.headers['cache-control']).toBe('no-store');
    const jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
    const verified = await verifyLimitedAccessToken(response.body, { jwks, issuer: ISSUER_URL, audience: CLIENT });
    expect(verified.claims).toMatchObject({
      aud: CLIENT.toLowerCase(),
      sub: CLIENT.toLowerCase(),
      isv: ids.full,
      features: ['Face.Identification', 'Face.Verification'],
    });
    expect(verified.claims.exp - verified.claims.iat).toBe(600);
    const recorded = await service.database.query<{ jti: string }>('SELECT jti FROM issuer.issuances WHERE jti = $1', [verified.claims.jti]);
    expect(recorded).toHaveLength(1);
    const events = await service.database.query("SELECT 1 FROM issuer.outbox WHERE topic = 'lat.issued' AND envelope->'data'->>'jti' = $1", [
      verified.claims.jti,
    ]);
    expect(events).toHaveLength(1);
  });

  it('defaults the lifetime to 3600 s and accepts the 2023 field name resourceId', async () => {
    const response = await issue({ key: keys.full, body: { resourceId: CLIENT, featureFlags: ['Face.Identification'] } });
    expect(response.statusCode).toBe(200);
    const [, payload] = response.body.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(3600);
  });

  it.each([
    '?expiredTime=59',
    '?expiredTime=86401',
    '?expiredTime=0x3c',
    '?expiredTime=6e1',
    '?expiredTime=-60',
    '?expiredTime=60.5',
    '?expiredTime=60&expiredTime=120',
  ])('refuses %s with 400 InvalidTokenLifetime', async (query) => {
    await expectRefusal(await issue({ key: keys.full, query }), 400, 'InvalidTokenLifetime', 'InvalidExpiredTime');
  });

  it.each([
    ['an unknown field', { targetAzureResourceId: CLIENT, featureFlags: ['Face.Identification'], scope: 'all' }],
    ['both resource field names', { targetAzureResourceId: CLIENT, resourceId: CLIENT, featureFlags: ['Face.Identification'] }],
    ['an empty flag list', { targetAzureResourceId: CLIENT, featureFlags: [] }],
  ])('refuses %s with 400 BadArgument / InvalidRequestBody', async (_what, body) => {
    await expectRefusal(await issue({ key: keys.full, body }), 400, 'BadArgument', 'InvalidRequestBody');
  });

  it('refuses an unknown or miscased flag with 400 BadArgument / UnknownFeatureFlag', async () => {
    await expectRefusal(
      await issue({ key: keys.full, body: { targetAzureResourceId: CLIENT, featureFlags: ['face.identification'] } }),
      400,
      'BadArgument',
      'UnknownFeatureFlag',
    );
  });

  it.each([
    CLIENT + '/',
    resource('..'),
    CLIENT.replace('Microsoft.CognitiveServices', 'Microsoft.Storage'),
    CLIENT.replace('/accounts/', '%2Faccounts%2F'),
  ])('refuses the resource id %s with 400 BadArgument / InvalidResourceId', async (id) => {
    await expectRefusal(
      await issue({ key: keys.full, body: { targetAzureResourceId: id, featureFlags: ['Face.Identification'] } }),
      400,
      'BadArgument',
      'InvalidResourceId',
    );
  });

  it('answers malformed JSON with 400 BadArgument', async () => {
    const response = await issue({ key: keys.full, rawBody: '{"targetAzureResourceId": ' });
    expect(response.statusCode).toBe(400);
    expect(response.json<WireError>().error.code).toBe('BadArgument');
  });

  it('refuses a form or plain-text body with 415, even one whose repeated field would pass for an array, recording nothing', async () => {
    const before = await new IssuanceRepository(service.database).clientsOf(ids.full, new Date(0));
    const form = `targetAzureResourceId=${encodeURIComponent(CLIENT)}&featureFlags=Face.Identification&featureFlags=Face.Verification`;
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain']) {
      const response = await issue({ key: keys.full, rawBody: form, headers: { 'content-type': contentType } });
      // The platform's one wording for a media type a route does not read, whichever layer refuses it.
      expect({ status: response.statusCode, error: response.json<WireError>().error }).toEqual({
        status: 415,
        error: { code: 'BadArgument', message: 'Invalid Media Type.' },
      });
      expect(response.headers['x-ms-error-code']).toBe('BadArgument');
      expect(response.body).not.toContain('eyJ');
    }
    const block = await service.handle.app.inject({
      method: 'POST',
      url: '/sts/v1.0/isv/clients/block',
      headers: { 'ocp-apim-subscription-key': keys.full, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `targetAzureResourceId=${encodeURIComponent(resource('form-client'))}`,
    });
    expect(block.statusCode).toBe(415);
    expect(await new IssuanceRepository(service.database).clientsOf(ids.full, new Date(0))).toEqual(before);
  });

  it('refuses a JSON body labelled with a charset other than UTF-8 with 415, and reads one labelled UTF-8', async () => {
    const body = { targetAzureResourceId: CLIENT, featureFlags: ['Face.Identification'] };
    for (const charset of ['utf-16', '"ISO-8859-1"']) {
      const response = await issue({ key: keys.full, body, headers: { 'content-type': `application/json; charset=${charset}` } });
      // RFC 8259 §8.1: JSON between systems is UTF-8; a body so labelled would be read otherwise than it was written.
      expect({ status: response.statusCode, error: response.json<WireError>().error }).toEqual({
        status: 415,
        error: { code: 'BadArgument', message: 'Invalid Media Type.' },
      });
    }
    const utf8 = await issue({ key: keys.full, body, headers: { 'content-type': 'application/json; charset=UTF-8' } });
    expect(utf8.statusCode).toBe(200);
  });

  it('refuses a missing key and an unknown key with 401', async () => {
    await expectRefusal(await issue({}), 401, '401', 'SubscriptionKeyMissing');
    await expectRefusal(await issue({ key: generateApiKey('isv') }), 401, '401', 'SubscriptionKeyInvalid');
  });

  it("refuses a client resource's own key with 403 ClientKeyIsNotIsvKey", async () => {
    await expectRefusal(await issue({ key: generateApiKey('client') }), 403, 'PermissionDenied', 'ClientKeyIsNotIsvKey');
  });

  it('refuses an ISV that is not approved, and one whose issuing right was revoked, with 403', async () => {
    await expectRefusal(await issue({ key: keys.pending }), 403, 'PermissionDenied', 'IsvNotApproved');
    await expectRefusal(await issue({ key: keys.revoked }), 403, 'PermissionDenied', 'IsvRevoked');
  });

  it('refuses a client the ISV blocked, in any spelling of its resource id, with 403 ClientBlocked', async () => {
    const spelled = resource('BLOCKED-CLIENT');
    await expectRefusal(
      await issue({ key: keys.full, body: { targetAzureResourceId: spelled, featureFlags: ['Face.Identification'] } }),
      403,
      'PermissionDenied',
      'ClientBlocked',
    );
  });

  it('refuses the whole request when one flag is not granted, records the denial, and issues nothing', async () => {
    const before = await service.database.query<{ n: string }>('SELECT count(*) AS n FROM issuer.issuances WHERE isv_id = $1', [ids.limited]);
    const response = await issue({
      key: keys.limited,
      body: { targetAzureResourceId: CLIENT, featureFlags: ['Face.Verification', 'Face.Identification'] },
    });
    await expectRefusal(response, 403, 'UnsupportedFeature', 'FeatureNotGrantedToIsv');
    expect(response.json<WireError>().error.innererror?.message).toBe(
      'Feature is not supported, missing approval for one or more of the following features: Identification.',
    );
    const after = await service.database.query<{ n: string }>('SELECT count(*) AS n FROM issuer.issuances WHERE isv_id = $1', [ids.limited]);
    expect(after).toEqual(before);
    const denials = await service.database.query(
      "SELECT 1 FROM issuer.outbox WHERE topic = 'lat.issue-denied' AND envelope->'data'->>'isvId' = $1 AND envelope->'data'->>'reason' = 'ISSUER.FEATURE_NOT_GRANTED'",
      [ids.limited],
    );
    expect(denials).toHaveLength(1);
    expect((await issue({ key: keys.limited, body: { targetAzureResourceId: CLIENT, featureFlags: ['Face.Verification'] } })).statusCode).toBe(200);
  });

  it('publishes the recorded events to Kafka through the outbox', async () => {
    await eventually(async () => (await service.database.query('SELECT 1 FROM issuer.outbox WHERE published_at IS NULL')).length === 0, {
      timeoutMs: 45000,
      what: 'outbox drained',
    });
  });

  it('keeps its tokens verifying across an issuer restart (same key, same JWKS)', async () => {
    const issued = await issue({ key: keys.full });
    expect(issued.statusCode).toBe(200);
    await service.restart();
    const jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
    await expect(verifyLimitedAccessToken(issued.body, { jwks, issuer: ISSUER_URL, audience: CLIENT })).resolves.toBeDefined();
    expect((await issue({ key: keys.full })).statusCode).toBe(200);
  });

  it('answers a dry run with what would be granted, issuing and recording nothing', async () => {
    const count = async () => (await service.database.query<{ n: string }>('SELECT count(*) AS n FROM issuer.issuances'))[0].n;
    const before = await count();
    const response = await issue({
      key: keys.full,
      query: '?dryRun=true&expiredTime=120',
      body: { targetAzureResourceId: CLIENT, featureFlags: ['Face.Verification'] },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      dryRun: true,
      grant: { isvId: ids.full, targetAzureResourceId: CLIENT.toLowerCase(), featureFlags: ['Face.Verification'], expiredTime: 120 },
    });
    expect(await count()).toBe(before);
  });

  it('names the refusing rule in a dry run exactly as without it, and refuses a malformed dryRun', async () => {
    const refused = await issue({
      key: keys.limited,
      query: '?dryRun=true',
      body: { targetAzureResourceId: CLIENT, featureFlags: ['Face.Identification'] },
    });
    await expectRefusal(refused, 403, 'UnsupportedFeature', 'FeatureNotGrantedToIsv');
    await expectRefusal(await issue({ key: keys.full, query: '?dryRun=yes' }), 400, 'BadArgument', 'InvalidQueryParameter');
    await expectRefusal(await issue({ key: keys.full, query: '?dryRun=true&dryRun=false' }), 400, 'BadArgument', 'InvalidQueryParameter');
  });

  it('refuses any query parameter but expiredTime and dryRun, rather than silently issuing the default lifetime', async () => {
    for (const query of ['?expiredTime[]=60', '?expiredTime[a]=60', '?expiredTime=60&lifetime=60', '?ExpiredTime=60', '?%00=1']) {
      const refused = await issue({ key: keys.full, query });
      expect({ query, status: refused.statusCode }).toEqual({ query, status: 400 });
      await expectRefusal(refused, 400, 'BadArgument', 'InvalidQueryParameter');
      expect(refused.body).not.toContain('expiredTime[');
    }
    expect((await issue({ key: keys.full, query: '?expiredTime=60&dryRun=false' })).statusCode).toBe(200);
  });

  it('refuses query parameters on issueToken and the ISV self-service routes, which take none', async () => {
    const routes: readonly ['GET' | 'POST', string, unknown][] = [
      ['POST', '/sts/v1.0/issueToken?x=1', undefined],
      ['POST', '/isv/v1/audit-feed-token?x=1', undefined],
      ['POST', '/isv/v1/cases-token?x=1', undefined],
      ['GET', '/sts/v1.0/isv/clients?x=1', undefined],
      ['POST', '/sts/v1.0/isv/clients/block?x=1', { targetAzureResourceId: CLIENT }],
      ['POST', '/sts/v1.0/isv/clients/unblock?x=1', { targetAzureResourceId: CLIENT }],
    ];
    for (const [method, url, body] of routes) {
      const headers = { 'ocp-apim-subscription-key': keys.full, ...(body ? { 'content-type': 'application/json' } : {}) };
      const response = await service.handle.app.inject({ method, url, headers, ...(body ? { payload: JSON.stringify(body) } : {}) });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 400 });
      await expectRefusal(response, 400, 'BadArgument', 'InvalidQueryParameter');
    }
  });

  it('refuses an account name ending with a hyphen', async () => {
    const body = { targetAzureResourceId: CLIENT.replace(/accounts\/.*$/, 'accounts/abc-'), featureFlags: ['Face.Identification'] };
    await expectRefusal(await issue({ key: keys.full, body }), 400, 'BadArgument', 'InvalidResourceId');
  });

  it('lets an ISV block a client itself, see it in its client list, and unblock it', async () => {
    const client = resource('self-service-client');
    const request = { targetAzureResourceId: client, featureFlags: ['Face.Identification'] };
    expect((await issue({ key: keys.full, body: request })).statusCode).toBe(200);

    const blocked = await selfService('POST', '/block', {
      targetAzureResourceId: client.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/'),
      reason: 'contract ended',
    });
    expect(blocked.statusCode).toBe(200);
    expect(blocked.json()).toEqual({ resourceId: client.toLowerCase(), blocked: true, revoked: false, revokedAt: null });
    await expectRefusal(await issue({ key: keys.full, body: request }), 403, 'PermissionDenied', 'ClientBlocked');

    const listed = (await selfService('GET', '')).json<{ clients: { resourceId: string; blocked: boolean; issuedSince: number }[] }>();
    expect(listed.clients.find((c) => c.resourceId === client.toLowerCase())).toMatchObject({ blocked: true, issuedSince: 1 });

    expect((await selfService('POST', '/unblock', { targetAzureResourceId: client })).json()).toEqual({
      resourceId: client.toLowerCase(),
      blocked: false,
      revoked: false,
      revokedAt: null,
    });
    expect((await issue({ key: keys.full, body: request })).statusCode).toBe(200);
  });

  it('tells an ISV that the platform revoked its client: its own message, listed as revoked, and an unblock that does not claim otherwise', async () => {
    const client = resource('revoked-client');
    const request = { targetAzureResourceId: client, featureFlags: ['Face.Identification'] };
    expect((await issue({ key: keys.full, body: request })).statusCode).toBe(200);
    const notBefore = new Date().toISOString();
    const subject = { kind: 'isv-client' as const, isvId: ids.full, resourceId: client.toLowerCase() };
    await service.bus.publish(AccessRevocationV1, {
      subject,
      notBefore,
      action: 'revoke',
      reason: 'ABUSE.CLIENT_RATE',
      alertId: null,
      actor: 'abuse-detector',
    });
    const cache = service.handle.app.get(RevocationCache);
    await eventually(() => cache.blocks([subject]), { timeoutMs: 45000, what: 'client revocation applied' });

    const refused = await issue({ key: keys.full, body: request });
    await expectRefusal(refused, 403, 'PermissionDenied', 'ClientRevoked');
    expect(refused.json<WireError>().error.innererror?.message).toMatch(/platform revoked/);
    const listed = (await selfService('GET', '')).json<{ clients: { resourceId: string }[] }>();
    expect(listed.clients.find((c) => c.resourceId === client.toLowerCase())).toMatchObject({ blocked: false, revoked: true, revokedAt: notBefore });
    expect((await selfService('POST', '/unblock', { targetAzureResourceId: client })).json()).toEqual({
      resourceId: client.toLowerCase(),
      blocked: false,
      revoked: true,
      revokedAt: notBefore,
    });
    // The revocation survives the ISV's unblock.
    await expectRefusal(await issue({ key: keys.full, body: request }), 403, 'PermissionDenied', 'ClientRevoked');
  });

  it("refuses self-service without the ISV's key, and with a malformed resource id", async () => {
    const noKey = await service.handle.app.inject({ method: 'GET', url: '/sts/v1.0/isv/clients' });
    await expectRefusal(noKey, 401, '401', 'SubscriptionKeyMissing');
    const bad = await service.handle.app.inject({
      method: 'POST',
      url: '/sts/v1.0/isv/clients/block',
      headers: { 'ocp-apim-subscription-key': keys.full, 'content-type': 'application/json' },
      payload: JSON.stringify({ targetAzureResourceId: CLIENT + '/' }),
    });
    await expectRefusal(bad, 400, 'BadArgument', 'InvalidResourceId');
  });

  it('refuses a block reason that is too long or has control characters, never truncating it', async () => {
    const client = resource('reason-client');
    const block = (reason: string) =>
      service.handle.app.inject({
        method: 'POST',
        url: '/sts/v1.0/isv/clients/block',
        headers: { 'ocp-apim-subscription-key': keys.full, 'content-type': 'application/json' },
        payload: JSON.stringify({ targetAzureResourceId: client, reason }),
      });
    for (const reason of ['r'.repeat(100_000), 'r'.repeat(501), 'a\u0000b']) {
      await expectRefusal(await block(reason), 400, 'BadArgument', 'InvalidRequestBody');
    }
    expect((await issue({ key: keys.full, body: { targetAzureResourceId: client, featureFlags: ['Face.Identification'] } })).statusCode).toBe(200);
    expect((await block('r'.repeat(500))).statusCode).toBe(200);
  });

  const jwksNow = async () => (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
  const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;

  it('publishes the next key before it signs, then keeps tokens verifying across the rotation while new tokens use it', async () => {
    const before = await issue({ key: keys.full });
    const rotation = await service.handle.app.get(SigningKeyService).rotate('integration test');
    expect(rotation).toMatchObject({ status: 'next' });
    const newKid = rotation?.kid;
    // In the JWKS already, signing nothing yet.
    expect((await jwksNow()).keys.map((k) => k.kid)).toEqual([kidOf(before.body), newKid]);
    expect(kidOf((await issue({ key: keys.full })).body)).toBe(kidOf(before.body));
    await eventually(async () => kidOf((await issue({ key: keys.full })).body) === newKid, { timeoutMs: 15000, what: 'the next key signs' });
    expect(Date.now()).toBeGreaterThanOrEqual(rotation?.activatesAt.getTime() ?? Infinity);
    const after = await issue({ key: keys.full });
    const jwks = await jwksNow();
    expect(jwks.keys.map((k) => k.kid)).toEqual([newKid, kidOf(before.body)]);
    for (const token of [before.body, after.body]) {
      await expect(verifyLimitedAccessToken(token, { jwks, issuer: ISSUER_URL, audience: CLIENT })).resolves.toBeDefined();
    }
  });

  it('warns at boot that a prepublish period this short can let verifiers meet a key they have not fetched', () => {
    expect(service.logs.some((line) => String(line['msg']).includes('published for less time than verifiers may take to fetch them'))).toBe(true);
  });

  it('retires a signing key named by access.revocation: out of the JWKS, replaced for new tokens', async () => {
    const compromised = kidOf((await issue({ key: keys.full })).body);
    await service.bus.publish(AccessRevocationV1, {
      subject: { kind: 'signing-key', keyId: compromised },
      notBefore: new Date().toISOString(),
      action: 'revoke',
      reason: 'ADMIN.KEY_COMPROMISED',
      alertId: null,
      actor: 'integration-test',
    });
    await eventually(async () => !(await jwksNow()).keys.some((k) => k.kid === compromised), { timeoutMs: 45000, what: 'key out of the JWKS' });
    const next = await issue({ key: keys.full });
    expect(next.statusCode).toBe(200);
    expect(kidOf(next.body)).not.toBe(compromised);
  });
});
