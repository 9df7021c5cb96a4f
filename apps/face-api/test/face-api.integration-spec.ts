import { RevocationCache } from '@latchkey/access-guards';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { DEMO_CLIENT_RESOURCE_ID, FaceApiModule, SeedDemoClientResourceUseCase } from '@latchkey/face-api/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';

describeWithInfrastructure('face-api service (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;

  beforeAll(async () => {
    service = await startServiceUnderTest('face-api', FaceApiModule);
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('is ready and stores client resources in its own schema, canonical and by key digest', async () => {
    expect((await service.handle.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const seeded = await service.handle.app.get(SeedDemoClientResourceUseCase).execute();
    expect(seeded.subscriptionKey).toMatch(/^lk_cli_/);
    const rows = await service.database.query<{ resource_id: string; subscription_key_hash: string }>(
      'SELECT resource_id, subscription_key_hash FROM face_api.client_resources',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].resource_id).toBe(DEMO_CLIENT_RESOURCE_ID.toLowerCase());
    expect(rows[0].subscription_key_hash).not.toContain(seeded.subscriptionKey);
  });

  it('refuses tokens issued before an ISV-client revocation that arrived over Kafka', async () => {
    const cache = service.handle.app.get(RevocationCache);
    const subject = { kind: 'isv-client' as const, isvId: `isv-${Date.now()}`, resourceId: DEMO_CLIENT_RESOURCE_ID };
    const issuedBefore = new Date(Date.now() - 60000);
    await service.bus.publish(AccessRevocationV1, {
      subject,
      notBefore: new Date().toISOString(),
      action: 'revoke',
      reason: 'ABUSE.FOREIGN_RESOURCE',
      alertId: null,
      actor: 'rule:foreign-resource',
    });
    await eventually(() => cache.refuses([subject], issuedBefore), { timeoutMs: 45000, what: 'watermark applied' });
    expect(cache.refuses([subject], new Date(Date.now() + 60000))).toBe(false);
  });
});
