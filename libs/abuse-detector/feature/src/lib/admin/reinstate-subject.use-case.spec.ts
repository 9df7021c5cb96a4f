import { randomUUID } from 'node:crypto';
import { RevocationCache } from '@latchkey/access-guards';
import { AccessRevocationV1, LatchkeyError, revocationSubjectKey, type EventEnvelope } from '@latchkey/contracts';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA, RevocationLedgerRepository } from '@latchkey/abuse-detector/data-access';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { openMigratedPglite, parseScrape } from '@latchkey/testing';
import { ReinstateSubjectUseCase } from './reinstate-subject.use-case';

const REVOKED_AT = new Date('2026-03-01T12:00:00.000Z');
const NOW = new Date('2026-03-02T12:00:00.000Z');
const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/Face';

describe(ReinstateSubjectUseCase.name, () => {
  let db: Database;
  let outbox: OutboxWriter;
  let ledger: RevocationLedgerRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    outbox = new OutboxWriter(
      new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) }),
      ABUSE_DETECTOR_SCHEMA,
    );
    ledger = new RevocationLedgerRepository(db);
  });

  afterAll(() => db.close());

  const useCase = (cache = new RevocationCache()) => new ReinstateSubjectUseCase(db, ledger, cache, outbox, () => NOW);

  const written = async (subjectKey: string) =>
    (
      await db.query<{ envelope: EventEnvelope }>("SELECT envelope FROM abuse_detector.outbox WHERE envelope->>'subject' = $1 ORDER BY id", [
        subjectKey,
      ])
    ).map((r) => r.envelope.data);

  const revokeInCache = (cache: RevocationCache, isvId: string, notBefore = REVOKED_AT) =>
    cache.apply({
      subject: { kind: 'isv', isvId },
      notBefore: notBefore.toISOString(),
      action: 'revoke',
      reason: 'ABUSE.REPEATED',
      alertId: null,
      actor: 'rule:x',
    });

  it('reinstates a revoked ISV carrying the revocation’s watermark on, with the operator as actor', async () => {
    const isvId = `isv-${randomUUID().slice(0, 8)}`;
    const cache = new RevocationCache();
    revokeInCache(cache, isvId);

    const result = await useCase(cache).reinstate({ kind: 'isv', isvId }, 'ADMIN.FALSE_POSITIVE', 'operator-key');

    expect(result).toEqual({
      subject: { kind: 'isv', isvId },
      action: 'reinstate',
      notBefore: REVOKED_AT.toISOString(),
      reason: 'ADMIN.FALSE_POSITIVE',
    });
    expect(await written(`isv:${isvId}`)).toEqual([
      {
        subject: { kind: 'isv', isvId },
        notBefore: REVOKED_AT.toISOString(),
        action: 'reinstate',
        reason: 'ADMIN.FALSE_POSITIVE',
        alertId: null,
        actor: 'operator-key',
      },
    ]);
    expect(AccessRevocationV1.data.safeParse((await written(`isv:${isvId}`))[0]).success).toBe(true);
  });

  it('uses the detector’s own latest revocation when the topic has not shown it here yet, and canonicalises the resource', async () => {
    const isvId = `isv-${randomUUID().slice(0, 8)}`;
    const subject = { kind: 'isv-client' as const, isvId, resourceId: RESOURCE.toLowerCase() };
    await db.transaction((tx) =>
      ledger.record(tx, {
        subjectKey: revocationSubjectKey(subject),
        subjectKind: 'isv-client',
        isvId,
        resourceId: subject.resourceId,
        action: 'revoke',
        reason: 'ABUSE.FOREIGN_RESOURCE',
        actor: 'rule:foreign-resource',
        alertId: randomUUID(),
        notBefore: REVOKED_AT,
        eventId: randomUUID(),
        createdAt: REVOKED_AT,
      }),
    );

    const result = await useCase().reinstate({ kind: 'isv-client', isvId, resourceId: RESOURCE }, 'ADMIN.RESOLVED', 'operator-key');

    expect(result.subject).toEqual(subject);
    expect(result.notBefore).toBe(REVOKED_AT.toISOString());
  });

  it('refuses a subject that was never revoked, and writes nothing', async () => {
    const isvId = `isv-${randomUUID().slice(0, 8)}`;
    const attempt = useCase().reinstate({ kind: 'isv', isvId }, 'ADMIN.RESOLVED', 'operator-key');

    await expect(attempt).rejects.toBeInstanceOf(LatchkeyError);
    await expect(attempt).rejects.toMatchObject({ code: 'ABUSE.ADMIN_NOT_REVOKED' });
    expect(await written(`isv:${isvId}`)).toEqual([]);
  });

  it('refuses a subject already reinstated', async () => {
    const isvId = `isv-${randomUUID().slice(0, 8)}`;
    const cache = new RevocationCache();
    revokeInCache(cache, isvId);
    cache.apply({
      subject: { kind: 'isv', isvId },
      notBefore: REVOKED_AT.toISOString(),
      action: 'reinstate',
      reason: 'ADMIN.X',
      alertId: null,
      actor: 'op',
    });

    await expect(useCase(cache).reinstate({ kind: 'isv', isvId }, 'ADMIN.RESOLVED', 'operator-key')).rejects.toMatchObject({
      code: 'ABUSE.ADMIN_NOT_REVOKED',
    });
  });

  describe('metrics', () => {
    const reinstated = async (labels: Record<string, string>) =>
      parseScrape(await renderPrometheusMetrics()).total('latchkey_revocations_issued_total', labels);

    beforeAll(() => startTelemetry({ instrumentations: [] }));
    afterAll(() => shutdownTelemetry());

    it('counts a reinstatement by the subject’s kind with origin operator, and nothing for one refused', async () => {
      const isvId = `isv-${randomUUID().slice(0, 8)}`;
      const cache = new RevocationCache();
      revokeInCache(cache, isvId);
      const labels = { kind: 'isv', action: 'reinstate', origin: 'operator' };
      const before = await reinstated(labels);

      await useCase(cache).reinstate({ kind: 'isv', isvId }, 'ADMIN.FALSE_POSITIVE', 'operator-key');
      await expect(useCase().reinstate({ kind: 'isv', isvId: `isv-${randomUUID().slice(0, 8)}` }, 'ADMIN.RESOLVED', 'op')).rejects.toThrow();

      expect((await reinstated(labels)) - before).toBe(1);
      expect(await reinstated({ action: 'revoke' })).toBe(0);
    });
  });
});
