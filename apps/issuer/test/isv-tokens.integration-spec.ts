import { randomUUID } from 'node:crypto';
import { RevocationCache } from '@latchkey/access-guards';
import { AccessRevocationV1, AUDIT_FEED_AUDIENCE, ISV_CASES_AUDIENCE } from '@latchkey/contracts';
import { IssuerModule } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateApiKey, verifyAuditFeedToken, verifyIsvCasesToken, type PublicJwks } from '@latchkey/tokens';
import { issuerSecretsEnv, onboardIsv } from './support/issuer-under-test';

const ISSUER_URL = 'http://issuer.test';

interface Grant {
  readonly token: string;
  readonly tokenType: string;
  readonly isvId: string;
  readonly expiresAt: string;
}

/** Each ISV token endpoint with the verifier of the service it is for, and the other kind's verifier. */
const ENDPOINTS = [
  ['/isv/v1/audit-feed-token', verifyAuditFeedToken, AUDIT_FEED_AUDIENCE, verifyIsvCasesToken],
  ['/isv/v1/cases-token', verifyIsvCasesToken, ISV_CASES_AUDIENCE, verifyAuditFeedToken],
] as const;

describeWithInfrastructure('ISV tokens: POST /isv/v1/audit-feed-token and /isv/v1/cases-token (real PostgreSQL and Kafka)', () => {
  let service: ServiceUnderTest;
  const ids = { pending: `isv-pending-${randomUUID()}`, revoked: `isv-revoked-${randomUUID()}` };
  const keys = { pending: '', revoked: '' };

  beforeAll(async () => {
    service = await startServiceUnderTest('issuer', IssuerModule, { env: { ...issuerSecretsEnv(), LATCHKEY_ISSUER_URL: ISSUER_URL } });
    // Not approved to issue: an ISV token is still granted (it reads history, answers cases, grants nothing).
    keys.pending = await onboardIsv(service, { id: ids.pending, approved: false });
    keys.revoked = await onboardIsv(service, { id: ids.revoked });
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

  const request = (url: string, key?: string) =>
    service.handle.app.inject({ method: 'POST', url, headers: key === undefined ? {} : { 'ocp-apim-subscription-key': key } });
  const innerCode = (body: string) => (JSON.parse(body) as { error: { innererror?: { code: string } } }).error.innererror?.code;

  describe.each(ENDPOINTS)('%s', (url, verify, audience, verifyOtherKind) => {
    it('grants a five-minute bearer token for the key’s own ISV, never cached, that only its own service accepts', async () => {
      const answer = await request(url, keys.pending);
      expect({ status: answer.statusCode, cache: answer.headers['cache-control'] }).toEqual({ status: 200, cache: 'no-store' });
      const grant = answer.json<Grant>();
      expect(grant).toEqual({ token: expect.any(String), tokenType: 'Bearer', isvId: ids.pending, expiresAt: expect.any(String) });
      const jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
      const { claims } = await verify(grant.token, { jwks, issuer: ISSUER_URL });
      expect(claims).toMatchObject({ iss: ISSUER_URL, sub: ids.pending, aud: audience });
      expect({ lifetime: claims.exp - claims.iat, expiresAt: new Date(claims.exp * 1000).toISOString() }).toEqual({
        lifetime: 300,
        expiresAt: grant.expiresAt,
      });
      await expect(verifyOtherKind(grant.token, { jwks, issuer: ISSUER_URL })).rejects.toMatchObject({ code: 'TOKENS.WRONG_TYPE' });
    });

    it('refuses no key, an unknown key and a client key', async () => {
      const missing = await request(url);
      expect({ status: missing.statusCode, inner: innerCode(missing.body) }).toEqual({ status: 401, inner: 'SubscriptionKeyMissing' });
      const unknown = await request(url, generateApiKey('isv'));
      expect(unknown.statusCode).toBe(401);
      const client = await request(url, generateApiKey('client'));
      expect({ status: client.statusCode, inner: innerCode(client.body) }).toEqual({ status: 403, inner: 'ClientKeyIsNotIsvKey' });
    });

    it('refuses a revoked ISV with IsvRevoked', async () => {
      const answer = await request(url, keys.revoked);
      expect({ status: answer.statusCode, inner: innerCode(answer.body) }).toEqual({ status: 403, inner: 'IsvRevoked' });
    });
  });
});
