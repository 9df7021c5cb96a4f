import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';
import { LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';
import { aLatRejected, aLatUsed } from '@latchkey/contracts/testing';
import { startServiceUnderTest, useOwnKafka, type OwnKafka, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';

const RESOURCE = `/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/rg-${Date.now()}/providers/Microsoft.CognitiveServices/accounts/face`;

describeWithInfrastructure('abuse-detector service (real Kafka, real PostgreSQL)', () => {
  let kafka: OwnKafka;
  let service: ServiceUnderTest;

  beforeAll(async () => {
    // A broker of its own: the detector's fixed consumer groups read topics from their beginning, and on the shared
    // broker its rules would first run over (and revoke for) every earlier run's and benchmark's events.
    kafka = await useOwnKafka();
    service = await startServiceUnderTest('abuse-detector', AbuseDetectorModule);
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await kafka?.stop();
  });

  it('counts served and refused uses per client resource, once per event', async () => {
    expect((await service.handle.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const used = service.bus.envelope(LatUsedV1, aLatUsed({ resourceId: RESOURCE }));
    await service.bus.publishEnvelopes([{ topic: LatUsedV1.topic, envelope: used }]);
    await service.bus.publishEnvelopes([{ topic: LatUsedV1.topic, envelope: used }]); // redelivery
    await service.bus.publish(LatUsedV1, aLatUsed({ resourceId: RESOURCE }));
    await service.bus.publish(LatRejectedV1, aLatRejected({ resourceId: RESOURCE }));
    const totals = async () => {
      const [row] = await service.database.query<{ served: string | null; rejected: string | null }>(
        'SELECT sum(served) AS served, sum(rejected) AS rejected FROM abuse_detector.usage_counters WHERE resource_id = $1',
        [RESOURCE.toLowerCase()],
      );
      return { served: Number(row?.served ?? 0), rejected: Number(row?.rejected ?? 0) };
    };
    await eventually(async () => (await totals()).served === 2 && (await totals()).rejected === 1, {
      timeoutMs: 45000,
      what: 'two served, one rejected',
    });
  });
});
