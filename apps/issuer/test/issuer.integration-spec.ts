import { RevocationCache } from '@latchkey/access-guards';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { IssuerModule } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { issuerSecretsEnv } from './support/issuer-under-test';

describeWithInfrastructure('issuer service (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;

  beforeAll(async () => {
    service = await startServiceUnderTest('issuer', IssuerModule, {
      env: issuerSecretsEnv(),
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('reports live and ready, and publishes its OpenAPI description', async () => {
    const { app } = service.handle;
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.json<{ info: { title: string } }>().info.title).toBe('Latchkey issuer');
  });

  it('migrated its own schema with the outbox and inbox', async () => {
    const tables = await service.database.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'issuer' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['isvs', 'issuances', 'signing_keys', 'client_blocks', 'outbox', 'inbox']),
    );
  });

  it('stops treating an ISV as able to issue once access.revocation revokes it on Kafka', async () => {
    const cache = service.handle.app.get(RevocationCache);
    const subject = { kind: 'isv' as const, isvId: `isv-${Date.now()}` };
    expect(cache.blocks([subject])).toBe(false);
    await service.bus.publish(AccessRevocationV1, {
      subject,
      notBefore: new Date().toISOString(),
      action: 'revoke',
      reason: 'ADMIN.MANUAL',
      alertId: null,
      actor: 'integration-test',
    });
    await eventually(() => cache.blocks([subject]), { timeoutMs: 45000, what: 'revocation applied' });
  });
});
