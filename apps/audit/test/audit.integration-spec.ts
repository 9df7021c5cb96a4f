import { randomUUID } from 'node:crypto';
import { firstBrokenLink } from '@latchkey/audit/data-access';
import { AuditModule } from '@latchkey/audit/feature';
import { LatIssuedV1, LatUsedV1 } from '@latchkey/contracts';
import { aLatIssued, aLatUsed } from '@latchkey/contracts/testing';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateSigningKey } from '@latchkey/tokens';

interface Row extends Record<string, unknown> {
  event_id: string;
  type: string;
  topic: string;
  source: string;
  subject: string | null;
  time: Date;
  data: unknown;
  prev_hash: string;
  hash: string;
}

describeWithInfrastructure('audit service (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;

  beforeAll(async () => {
    const key = await generateSigningKey('EdDSA');
    service = await startServiceUnderTest('audit', AuditModule, { env: { LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(key.privateJwk) } });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('stores every event once, in a hash chain that verifies from the stored rows', async () => {
    expect((await service.handle.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const jti = randomUUID();
    const issued = service.bus.envelope(LatIssuedV1, aLatIssued({ jti }));
    const used = service.bus.envelope(LatUsedV1, aLatUsed({ jti }));
    await service.bus.publishEnvelopes([{ topic: LatIssuedV1.topic, envelope: issued }]);
    await service.bus.publishEnvelopes([{ topic: LatUsedV1.topic, envelope: used }]);
    await service.bus.publishEnvelopes([{ topic: LatIssuedV1.topic, envelope: issued }]); // redelivery
    await eventually(
      async () => (await service.database.query('SELECT 1 FROM audit.events WHERE event_id = ANY($1)', [[issued.id, used.id]])).length === 2,
      { timeoutMs: 45000, what: 'both events stored' },
    );
    const rows = await service.database.query<Row>('SELECT * FROM audit.events ORDER BY seq');
    expect(rows.filter((r) => r.event_id === issued.id)).toHaveLength(1);
    expect(firstBrokenLink(rows)).toBe(-1);
  });
});
