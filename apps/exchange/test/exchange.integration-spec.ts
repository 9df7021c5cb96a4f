import { AccessRevocationV1 } from '@latchkey/contracts';
import { DEMO_CLIENT_ID, ExchangeModule, SeedDemoApplicationUseCase } from '@latchkey/exchange/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateSigningKey, type SigningKey } from '@latchkey/tokens';

const EXCHANGE_URL = 'https://exchange.latchkey.test';

describeWithInfrastructure('exchange service (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;
  let key: SigningKey;

  beforeAll(async () => {
    key = await generateSigningKey('ES256');
    service = await startServiceUnderTest('exchange', ExchangeModule, {
      env: { LATCHKEY_EXCHANGE_URL: EXCHANGE_URL, LATCHKEY_EXCHANGE_SIGNING_KEY: JSON.stringify(key.privateJwk) },
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('publishes its own signing key and RFC 8414 metadata, so APIs verify its tokens offline', async () => {
    const jwks = await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwks.statusCode).toBe(200);
    expect(jwks.json<{ keys: { kid: string; d?: string }[] }>().keys).toEqual([expect.objectContaining({ kid: key.kid, alg: 'ES256' })]);
    expect(jwks.body).not.toContain(String(key.privateJwk['d']));
    const metadata = await service.handle.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    expect(metadata.json()).toMatchObject({
      issuer: EXCHANGE_URL,
      jwks_uri: `${EXCHANGE_URL}/.well-known/jwks.json`,
      token_endpoint: `${EXCHANGE_URL}/oauth2/token`,
    });
  });

  async function enabled(): Promise<boolean | undefined> {
    const [row] = await service.database.query<{ enabled: boolean }>('SELECT enabled FROM exchange.oauth_applications WHERE client_id = $1', [
      DEMO_CLIENT_ID,
    ]);
    return row?.enabled;
  }

  it('is ready, with identities keyed by tenant and object id', async () => {
    expect((await service.handle.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await service.database.query("INSERT INTO exchange.identities (person_id, tenant_id, object_id) VALUES ('p1', 't1', 'o1')");
    await expect(
      service.database.query("INSERT INTO exchange.identities (person_id, tenant_id, object_id) VALUES ('p2', 't1', 'o1')"),
    ).rejects.toThrow();
    await service.database.query("INSERT INTO exchange.identities (person_id, tenant_id, object_id) VALUES ('p3', 't2', 'o1')");
  });

  it('disables an OAuth application when access.revocation revokes it on Kafka', async () => {
    await service.handle.app.get(SeedDemoApplicationUseCase).execute();
    expect(await enabled()).toBe(true);
    await service.bus.publish(AccessRevocationV1, {
      subject: { kind: 'oauth-application', clientId: DEMO_CLIENT_ID },
      notBefore: new Date().toISOString(),
      action: 'revoke',
      reason: 'ADMIN.MANUAL',
      alertId: null,
      actor: 'integration-test',
    });
    await eventually(async () => (await enabled()) === false, { timeoutMs: 45000, what: 'application disabled' });
  });
});
