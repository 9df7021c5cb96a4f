import { randomUUID } from 'node:crypto';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA, AlertRepository, RevocationLedgerRepository } from '@latchkey/abuse-detector/data-access';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { openMigratedPglite, parseScrape } from '@latchkey/testing';
import { RevocationWriter } from '../actions/revocation-writer';
import { RevokeSubjectUseCase } from './revoke-subject.use-case';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/Face';

describe(`${RevokeSubjectUseCase.name} metrics`, () => {
  let db: Database;
  let useCase: RevokeSubjectUseCase;

  beforeAll(async () => {
    startTelemetry({ instrumentations: [] });
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    const outbox = new OutboxWriter(
      new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) }),
      ABUSE_DETECTOR_SCHEMA,
    );
    const alerts = new AlertRepository(db);
    useCase = new RevokeSubjectUseCase(db, alerts, new RevocationWriter(new RevocationLedgerRepository(db), outbox), () => NOW);
  });

  afterAll(async () => {
    await db.close();
    await shutdownTelemetry();
  });

  const issued = async (labels: Record<string, string>) =>
    parseScrape(await renderPrometheusMetrics()).total('latchkey_revocations_issued_total', labels);

  it('counts an operator’s revocation by the subject’s kind with origin operator', async () => {
    const isvId = `isv-${randomUUID().slice(0, 8)}`;
    const before = { isv: await issued({ kind: 'isv', origin: 'operator' }), client: await issued({ kind: 'isv-client', origin: 'operator' }) };

    await useCase.revoke({ kind: 'isv', isvId }, 'ADMIN.CONTRACT_ENDED', undefined, 'person:op-1');
    await useCase.revoke({ kind: 'isv-client', isvId, resourceId: RESOURCE }, 'ADMIN.MISUSE', undefined, 'person:op-1');
    await useCase.revoke({ kind: 'isv-client', isvId, resourceId: RESOURCE }, 'ADMIN.MISUSE', undefined, 'person:op-1');

    expect({
      isv: (await issued({ kind: 'isv', action: 'revoke', origin: 'operator' })) - before.isv,
      client: (await issued({ kind: 'isv-client', action: 'revoke', origin: 'operator' })) - before.client,
    }).toEqual({ isv: 1, client: 2 });
    expect(await issued({ origin: 'automatic' })).toBe(0);
  });

  it('counts nothing for a request refused (an unknown alert)', async () => {
    const before = await issued({ origin: 'operator' });
    await expect(useCase.revoke({ kind: 'isv', isvId: 'isv-x' }, 'ADMIN.X', randomUUID(), 'person:op-1')).rejects.toMatchObject({
      code: 'ABUSE.ADMIN_ALERT_NOT_FOUND',
    });
    expect(await issued({ origin: 'operator' })).toBe(before);
  });
});
