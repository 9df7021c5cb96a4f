import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';
import { LatRejectedV1, type EventEnvelope } from '@latchkey/contracts';
import { aLatRejected, aResourceId } from '@latchkey/contracts/testing';
import { startServiceUnderTest, useOwnKafka, type OwnKafka, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';

const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
const DETECTION_GROUP = 'abuse-detector.rules';
/**
 * The rewind cap of this test (the default is 1 h): long enough to cover the restart, short enough that
 * events published OLD_GAP_MS before it fall outside the replay while still inside the 60 s probing window.
 */
const REWIND_MS = 30_000;
const OLD_GAP_MS = 32_000;

type StoredAlert = { id: string; count: number; evidence_event_ids: string[] };

// The rules' windows live in memory; a restart must rebuild them by re-reading the recent stream (docs/ABUSE.md,
// "State across restarts"), without counting again what was counted before the restart.
describeWithInfrastructure('abuse-detector across a restart (real Kafka, real PostgreSQL)', () => {
  let kafka: OwnKafka;
  let service: ServiceUnderTest;

  beforeAll(async () => {
    // A broker of its own: the detection group is fixed, and on the shared broker it would replay other runs' events.
    kafka = await useOwnKafka();
    service = await startServiceUnderTest('abuse-detector', AbuseDetectorModule, {
      env: { LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: OPERATOR_KEY, LATCHKEY_ABUSE_REWIND_MAX_MS: String(REWIND_MS) },
    });
  }, 120_000);

  afterAll(async () => {
    delete process.env['LATCHKEY_ABUSE_REWIND_MAX_MS'];
    await service?.stop();
    await kafka?.stop();
  });

  const probe = (resourceId: string) =>
    service.bus.publish(LatRejectedV1, aLatRejected({ resourceId, reason: 'LAT.FEATURE_MISSING', feature: 'Face.Identification' }));
  const probes = async (resourceId: string, n: number): Promise<EventEnvelope[]> => {
    const sent: EventEnvelope[] = [];
    for (let i = 0; i < n; i++) sent.push(await probe(resourceId));
    return sent;
  };
  const alertsOf = (resourceId: string) =>
    service.database.query<StoredAlert>(
      `SELECT id, count, evidence_event_ids FROM abuse_detector.alerts WHERE rule_id = 'feature-probing' AND subject_id = $1`,
      [resourceId.toLowerCase()],
    );
  const claimsOf = async (resourceId: string) => {
    const [row] = await service.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM abuse_detector.inbox WHERE consumer = 'abuse-detector.findings' AND event_id LIKE $1`,
      [`%|feature-probing|resource|${resourceId.toLowerCase()}`],
    );
    return Number(row?.n);
  };
  /** True once the detection group committed past everything on lat.rejected. */
  const caughtUp = async () => (await service.bus.progress(DETECTION_GROUP, LatRejectedV1.topic)).every((p) => p.committed >= p.end);

  it('rebuilds a window interrupted by a restart: the burst alerts once, with its full count, and nothing is counted twice', async () => {
    const threshold = 10; // LATCHKEY_ABUSE_FEATURE_PROBING_THRESHOLD's default, in 60 s
    // `counted`: a burst the live run alerted on; its replay after the restart starts without the old events, so
    // the rebuilt window fires on another event than the live run did (its 10th event instead of its 5th).
    // Recording that replayed finding would grow the alert to 2: the inbox claim per event alone does not stop it.
    const counted = aResourceId();
    // `interrupted`: a burst cut in two by the restart.
    const interrupted = aResourceId();

    await probes(counted, 5);
    await sleep(OLD_GAP_MS); // these 5 are now older than the rewind, yet still in the window of the next ones
    await probes(counted, threshold);
    const firstHalf = await probes(interrupted, 6);
    await eventually(async () => (await alertsOf(counted)).length === 1 && (await caughtUp()), {
      timeoutMs: 45_000,
      what: 'the first burst alerted and everything read',
    });
    expect(await alertsOf(interrupted)).toEqual([]); // 6 < 10: below the threshold before the restart

    await service.restart();
    const secondHalf = await probes(interrupted, threshold - 6);

    // Without the rewind the restarted detector would count 4, below the threshold, and never alert.
    await eventually(async () => (await alertsOf(interrupted)).length > 0, { timeoutMs: 45_000, what: 'the interrupted burst alerted' });
    const [alert] = await alertsOf(interrupted);
    expect(alert.count).toBe(1);
    expect([...alert.evidence_event_ids].sort()).toEqual([...firstHalf, ...secondHalf].map((e) => e.id).sort());

    // One more event on the first burst's partition, after its replay: once it is committed, the replay is done.
    await service.bus.publish(LatRejectedV1, aLatRejected({ resourceId: counted, reason: 'LAT.EXPIRED' }));
    await eventually(caughtUp, { timeoutMs: 45_000, what: 'the detector caught up after the restart' });
    expect((await alertsOf(counted)).map((a) => a.count)).toEqual([1]);
    expect((await alertsOf(interrupted)).map((a) => a.count)).toEqual([1]);
    expect(await claimsOf(counted)).toBe(1);
    expect(await claimsOf(interrupted)).toBe(1);
    // And nothing of it went out twice on abuse.alert.
    const [published] = await service.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM abuse_detector.outbox WHERE envelope->'data'->>'ruleId' = 'feature-probing'`,
    );
    expect(Number(published?.n)).toBe(2);
  }, 240_000);
});
