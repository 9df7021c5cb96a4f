import { randomUUID } from 'node:crypto';
import { IdentityCreatedV1 } from '@latchkey/contracts';
import { RbacModule } from '@latchkey/rbac/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';

describeWithInfrastructure('rbac service (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;

  beforeAll(async () => {
    service = await startServiceUnderTest('rbac', RbacModule);
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('is ready', async () => {
    expect((await service.handle.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('registers a person from identity.created exactly once, even when the event is delivered twice', async () => {
    const personId = `person-${randomUUID()}`;
    const data = { personId, tenantId: randomUUID(), objectId: randomUUID(), displayName: 'Ada' };
    const envelope = service.bus.envelope(IdentityCreatedV1, data);
    await service.bus.publishEnvelopes([{ topic: IdentityCreatedV1.topic, envelope }]);
    await service.bus.publishEnvelopes([{ topic: IdentityCreatedV1.topic, envelope }]);
    await eventually(
      async () => (await service.database.query('SELECT 1 FROM rbac.subjects WHERE id = $1', [personId])).length === 1,
      { timeoutMs: 45000, what: 'person registered' },
    );
    const rows = await service.database.query<{ kind: string; tenant_id: string }>('SELECT kind, tenant_id FROM rbac.subjects WHERE id = $1', [personId]);
    expect(rows).toEqual([{ kind: 'person', tenant_id: data.tenantId }]);
  });
});
