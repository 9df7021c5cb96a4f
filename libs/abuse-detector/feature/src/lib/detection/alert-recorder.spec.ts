import { randomUUID } from 'node:crypto';
import { AbuseAlertV1, AccessRevocationV1, type EventEnvelope } from '@latchkey/contracts';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA, AlertRepository, RevocationLedgerRepository } from '@latchkey/abuse-detector/data-access';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { openMigratedPglite, parseScrape } from '@latchkey/testing';
import { ActionPolicy, type ActionSettings } from '../actions/action-policy';
import { RevocationWriter } from '../actions/revocation-writer';
import { caseWorkflowFor } from '../cases/case-testing';
import type { Finding } from '../rules/rule';
import { AlertActions } from './alert-actions';
import { AlertRecorder } from './alert-recorder';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const DEFAULTS: ActionSettings = {
  LATCHKEY_ABUSE_AUTOMATIC_REVOCATION: true,
  LATCHKEY_ABUSE_REVOKE_ON_HIGH: false,
  LATCHKEY_ABUSE_ESCALATION_REVOCATIONS: 3,
  LATCHKEY_ABUSE_ESCALATION_WINDOW_DAYS: 7,
};

const aResource = () =>
  `/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/c${randomUUID().slice(0, 8)}`;

function aFinding(overrides: Partial<Finding> = {}): Finding {
  const resourceId = aResource();
  return {
    ruleId: 'foreign-resource',
    severity: 'critical',
    subject: { kind: 'resource', id: resourceId },
    isvId: `isv-${randomUUID().slice(0, 8)}`,
    resourceId,
    evidenceEventIds: [randomUUID()],
    explanation: 'token of this client presented with another resource’s key',
    observedAt: NOW,
    ...overrides,
  };
}

interface OutboxRow extends Record<string, unknown> {
  topic: string;
  envelope: EventEnvelope;
}

describe(AlertRecorder.name, () => {
  let db: Database;
  let outbox: OutboxWriter;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    outbox = new OutboxWriter(
      new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) }),
      ABUSE_DETECTOR_SCHEMA,
    );
  });

  afterAll(() => db.close());

  function recorder(settings: Partial<ActionSettings> = {}): AlertRecorder {
    const ledger = new RevocationLedgerRepository(db);
    const actions = new AlertActions(new ActionPolicy({ ...DEFAULTS, ...settings }), ledger, new RevocationWriter(ledger, outbox));
    return new AlertRecorder(
      db,
      new AlertRepository(db),
      actions,
      outbox,
      () => NOW,
      caseWorkflowFor(db, outbox, () => NOW),
    );
  }

  /** The outbox events about one alert, in the order written. */
  const eventsOf = async (alertId: string) => {
    // The case the alert opens is the workflow's (its own tests); here the alert and the revocations.
    const rows = await db.query<OutboxRow>(
      "SELECT topic, envelope FROM abuse_detector.outbox WHERE envelope->'data'->>'alertId' = $1 AND topic <> 'abuse.case' ORDER BY id",
      [alertId],
    );
    return rows.map((r) => ({ topic: r.topic, type: r.envelope.type, data: r.envelope.data as Record<string, unknown> }));
  };

  it('opens an alert, publishes it and revokes the ISV’s client for a critical finding, in one go', async () => {
    const finding = aFinding();

    const alert = await recorder().record(randomUUID(), finding);

    expect(alert).toMatchObject({ count: 1, status: 'open', ruleId: 'foreign-resource' });
    const events = await eventsOf(alert?.id ?? '');
    expect(events).toEqual([
      { topic: AbuseAlertV1.topic, type: AbuseAlertV1.type, data: expect.objectContaining({ alertId: alert?.id, count: 1, severity: 'critical' }) },
      {
        topic: AccessRevocationV1.topic,
        type: AccessRevocationV1.type,
        data: {
          subject: { kind: 'isv-client', isvId: finding.isvId, resourceId: finding.resourceId },
          action: 'revoke',
          reason: 'ABUSE.FOREIGN_RESOURCE',
          alertId: alert?.id,
          actor: 'rule:foreign-resource',
          notBefore: NOW.toISOString(),
        },
      },
    ]);
  });

  it('opens the client’s case in the same transaction, and publishes it on abuse.case', async () => {
    const finding = aFinding();

    const alert = await recorder().record(randomUUID(), finding);

    const [opened] = await db.query<OutboxRow>(
      "SELECT topic, envelope FROM abuse_detector.outbox WHERE topic = 'abuse.case' AND envelope->'data'->>'alertId' = $1",
      [alert?.id],
    );
    expect(opened?.envelope.data).toMatchObject({
      transition: 'opened',
      status: 'open',
      isvId: finding.isvId,
      resourceId: finding.resourceId?.toLowerCase(),
    });
  });

  it('grows the open alert on a second finding and publishes it again, without a second revocation', async () => {
    const finding = aFinding();
    const first = await recorder().record(randomUUID(), finding);

    const second = await recorder().record(randomUUID(), { ...finding, evidenceEventIds: ['e-2'] });

    expect(second?.id).toBe(first?.id);
    expect(second?.count).toBe(2);
    const events = await eventsOf(first?.id ?? '');
    expect(events.map((e) => [e.topic, e.data['count'] ?? e.data['action']])).toEqual([
      [AbuseAlertV1.topic, 1],
      [AccessRevocationV1.topic, 'revoke'],
      [AbuseAlertV1.topic, 2],
    ]);
  });

  it('records a finding of one event once, when the batch is delivered again', async () => {
    const finding = aFinding();
    const eventId = randomUUID();
    const first = await recorder().record(eventId, finding);

    await expect(recorder().record(eventId, finding)).resolves.toBeUndefined();

    expect((await eventsOf(first?.id ?? '')).filter((e) => e.topic === AbuseAlertV1.topic)).toHaveLength(1);
  });

  it.each([
    ['a high finding by default', { severity: 'high' as const }],
    ['a finding without an ISV', { isvId: null }],
    ['a finding without a client resource', { resourceId: null }],
  ])('only notifies for %s', async (_case, overrides) => {
    const alert = await recorder().record(randomUUID(), aFinding(overrides));

    expect((await eventsOf(alert?.id ?? '')).map((e) => e.topic)).toEqual([AbuseAlertV1.topic]);
  });

  it('only notifies for a critical finding with automatic revocation switched off', async () => {
    const alert = await recorder({ LATCHKEY_ABUSE_AUTOMATIC_REVOCATION: false }).record(randomUUID(), aFinding());

    expect((await eventsOf(alert?.id ?? '')).map((e) => e.topic)).toEqual([AbuseAlertV1.topic]);
  });

  it('revokes the ISV itself with ABUSE.REPEATED at the third client revocation in the window, then counts again from zero', async () => {
    const isvId = `isv-${randomUUID().slice(0, 8)}`;
    const revocationsOf = async (alertId: string | undefined) =>
      (await eventsOf(alertId ?? ''))
        .filter((e) => e.topic === AccessRevocationV1.topic)
        .map((e) => [(e.data['subject'] as { kind: string }).kind, e.data['reason']]);

    const a1 = await recorder().record(randomUUID(), aFinding({ isvId }));
    const a2 = await recorder().record(randomUUID(), aFinding({ isvId }));
    const a3 = await recorder().record(randomUUID(), aFinding({ isvId }));
    const a4 = await recorder().record(randomUUID(), aFinding({ isvId }));

    expect(await revocationsOf(a1?.id)).toEqual([['isv-client', 'ABUSE.FOREIGN_RESOURCE']]);
    expect(await revocationsOf(a2?.id)).toEqual([['isv-client', 'ABUSE.FOREIGN_RESOURCE']]);
    expect(await revocationsOf(a3?.id)).toEqual([
      ['isv-client', 'ABUSE.FOREIGN_RESOURCE'],
      ['isv', 'ABUSE.REPEATED'],
    ]);
    expect(await revocationsOf(a4?.id)).toEqual([['isv-client', 'ABUSE.FOREIGN_RESOURCE']]);
  });

  it('logs no explanation text, only ids and numbers', async () => {
    const lines: unknown[] = [];
    const finding = aFinding({ explanation: 'UNIQUE-EXPLANATION-TEXT' });
    const r = recorder();
    jest.spyOn((r as unknown as { logger: { log: (m: unknown) => void } }).logger, 'log').mockImplementation((m) => void lines.push(m));

    await r.record(randomUUID(), finding);

    expect(JSON.stringify(lines)).not.toContain('UNIQUE-EXPLANATION-TEXT');
    expect(lines).toHaveLength(1);
  });

  describe('metrics', () => {
    const scrape = async () => parseScrape(await renderPrometheusMetrics());
    /** What `act` added to latchkey_abuse_alerts_total and latchkey_revocations_issued_total, by the given labels. */
    const added = async (act: () => Promise<unknown>, alert: Record<string, string>, revocation: Record<string, string>) => {
      const before = await scrape();
      await act();
      const after = await scrape();
      const delta = (name: string, labels: Record<string, string>) => after.total(name, labels) - before.total(name, labels);
      return { alerts: delta('latchkey_abuse_alerts_total', alert), revocations: delta('latchkey_revocations_issued_total', revocation) };
    };
    const critical = { rule: 'foreign-resource', severity: 'critical' };
    const clientRevoked = { kind: 'isv-client', action: 'revoke', origin: 'automatic' };

    beforeAll(() => startTelemetry({ instrumentations: [] }));
    afterAll(() => shutdownTelemetry());

    it('counts a finding by rule and severity, and the client revocation it causes as automatic', async () => {
      const finding = aFinding();
      const eventId = randomUUID();
      expect(await added(() => recorder().record(eventId, finding), critical, clientRevoked)).toEqual({ alerts: 1, revocations: 1 });
      // The same event again (a redelivery): already recorded, nothing counted.
      expect(await added(() => recorder().record(eventId, finding), critical, clientRevoked)).toEqual({ alerts: 0, revocations: 0 });
      // Another event about the same client: the alert grows (one more finding) and revokes nothing more.
      expect(await added(() => recorder().record(randomUUID(), { ...finding, evidenceEventIds: [randomUUID()] }), critical, clientRevoked)).toEqual({
        alerts: 1,
        revocations: 0,
      });
    });

    it('counts a notify-only finding under its own severity, with no revocation', async () => {
      const high = { rule: 'foreign-resource', severity: 'high' };
      expect(await added(() => recorder().record(randomUUID(), aFinding({ severity: 'high' })), high, { origin: 'automatic' })).toEqual({
        alerts: 1,
        revocations: 0,
      });
    });

    it('counts the ISV revocation of the escalation policy as automatic', async () => {
      const isvId = `isv-${randomUUID().slice(0, 8)}`;
      const isvRevoked = { kind: 'isv', action: 'revoke', origin: 'automatic' };
      await recorder().record(randomUUID(), aFinding({ isvId }));
      await recorder().record(randomUUID(), aFinding({ isvId }));
      expect(await added(() => recorder().record(randomUUID(), aFinding({ isvId })), critical, isvRevoked)).toEqual({ alerts: 1, revocations: 1 });
      // Nothing in the labels names the ISV, the client or the alert.
      expect((await scrape()).text).not.toContain(isvId);
    });
  });
});
