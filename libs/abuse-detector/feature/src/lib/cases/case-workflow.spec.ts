import { randomUUID } from 'node:crypto';
import { AbuseCaseV1, AccessRevocationV1, LatchkeyError, type EventEnvelope } from '@latchkey/contracts';
import { aResourceId } from '@latchkey/contracts/testing';
import {
  ABUSE_DETECTOR_MIGRATIONS,
  ABUSE_DETECTOR_SCHEMA,
  AlertRepository,
  CaseRepository,
  WebhookRepository,
  type AlertObservation,
} from '@latchkey/abuse-detector/data-access';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { openMigratedPglite, parseScrape } from '@latchkey/testing';
import { CASE_DEFAULTS, caseWorkflowFor } from './case-testing';
import type { CaseWorkflow } from './case-workflow';
import { CaseError } from './cases.errors';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const DEADLINE_MS = CASE_DEFAULTS.LATCHKEY_ABUSE_CASE_DEADLINE_MS;

interface OutboxRow extends Record<string, unknown> {
  topic: string;
  envelope: EventEnvelope;
}

const anIsv = () => `isv-${randomUUID().slice(0, 8)}`;

/** The refusal's code, or 'resolved'. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (error instanceof CaseError) return error.code;
    throw error;
  }
}

/** A PGlite database with the detector's schema, an outbox over an in-process bus, and a controllable clock. */
function harness() {
  const h = {
    db: undefined as unknown as Database,
    outbox: undefined as unknown as OutboxWriter,
    now: T0,
    workflow(settings: Parameters<typeof caseWorkflowFor>[3] = {}): CaseWorkflow {
      return caseWorkflowFor(h.db, h.outbox, () => h.now, settings);
    },
    /** Stores a finding about the ISV's client as an alert and hands it to the workflow, in one transaction. */
    async alert(workflow: CaseWorkflow, overrides: Partial<AlertObservation> & { isvId: string | null; resourceId: string | null }) {
      const observation: AlertObservation = {
        ruleId: 'foreign-resource',
        severity: 'high',
        subjectKind: 'resource',
        subjectId: overrides.resourceId ?? `/nowhere/${randomUUID()}`,
        evidenceEventIds: [randomUUID()],
        explanation: 'a token of this client was presented with another resource’s key',
        observedAt: h.now,
        ...overrides,
      };
      return h.db.transaction(async (tx) => {
        const { alert } = await new AlertRepository(h.db).observe(tx, randomUUID(), observation);
        const c = await workflow.onAlert(tx, alert);
        return { alert, case: c };
      });
    },
    /** The `abuse.case` events of one case, in the order written. */
    async caseEvents(caseId: string) {
      const rows = await h.db.query<OutboxRow>(
        "SELECT topic, envelope FROM abuse_detector.outbox WHERE topic = $1 AND envelope->'data'->>'caseId' = $2 ORDER BY id",
        [AbuseCaseV1.topic, caseId],
      );
      return rows.map((r): Record<string, unknown> => ({ type: r.envelope.type, ...(r.envelope.data as Record<string, unknown>) }));
    },
    /** The `access.revocation` events about the ISV (or its clients), in the order written. */
    async revocationEvents(isvId: string) {
      const rows = await h.db.query<OutboxRow>(
        "SELECT topic, envelope FROM abuse_detector.outbox WHERE topic = $1 AND envelope->'data'->'subject'->>'isvId' = $2 ORDER BY id",
        [AccessRevocationV1.topic, isvId],
      );
      return rows.map((r) => r.envelope.data as Record<string, unknown>);
    },
    async ledger(isvId: string) {
      return h.db.query<Record<string, unknown>>(
        'SELECT subject_key, subject_kind, resource_id, action, reason, actor, alert_id, not_before FROM abuse_detector.revocations_made WHERE isv_id = $1 ORDER BY id',
        [isvId],
      );
    },
    /** The webhook deliveries of a case: their `type`, oldest first. */
    async deliveryTypes(caseId: string) {
      const rows = await h.db.query<{ body: string; status: string }>(
        'SELECT body, status FROM abuse_detector.webhook_deliveries WHERE case_id = $1 ORDER BY created_at, id',
        [caseId],
      );
      return rows.map((r) => (JSON.parse(r.body) as { type: string }).type);
    },
    async deliveries(caseId: string) {
      return h.db.query<{ id: string; isv_id: string; body: string; status: string; attempts: number; next_attempt_at: Date }>(
        'SELECT id, isv_id, body, status, attempts, next_attempt_at FROM abuse_detector.webhook_deliveries WHERE case_id = $1 ORDER BY created_at, id',
        [caseId],
      );
    },
  };
  beforeAll(async () => {
    h.db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    h.outbox = new OutboxWriter(
      new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) }),
      ABUSE_DETECTOR_SCHEMA,
    );
  });
  afterAll(() => h.db.close());
  beforeEach(() => {
    h.now = T0;
  });
  return h;
}

describe('CaseWorkflow', () => {
  describe('alerts', () => {
    const h = harness();

    it.each([
      ['without an ISV', { isvId: null, resourceId: aResourceId() }],
      ['without a client resource', { isvId: 'isv-x', resourceId: null }],
    ])('opens no case for an alert %s', async (_what, names) => {
      const { case: c } = await h.alert(h.workflow(), names);

      expect(c).toBeUndefined();
      const [row] = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM abuse_detector.cases WHERE isv_id IS NOT DISTINCT FROM $1', [
        names.isvId,
      ]);
      expect(row?.n).toBe(0);
    });

    it('opens one case for two alerts about one client, holding both, with one opened and one alert-added event', async () => {
      const isvId = anIsv();
      const resourceId = aResourceId();
      const workflow = h.workflow();

      const first = await h.alert(workflow, { isvId, resourceId: resourceId.toUpperCase(), severity: 'medium' });
      h.now = new Date(T0.getTime() + 60_000);
      const second = await h.alert(workflow, { isvId, resourceId, ruleId: 'jti-spread', subjectId: `${resourceId}/jti`, severity: 'critical' });

      expect(second.case?.id).toBe(first.case?.id);
      const stored = await new CaseRepository(h.db).get(first.case!.id);
      expect(stored).toMatchObject({
        isvId,
        resourceId,
        status: 'open',
        severity: 'critical',
        alertIds: [first.alert.id, second.alert.id],
        openedAt: T0,
        deadlineAt: new Date(T0.getTime() + DEADLINE_MS),
        updatedAt: h.now,
      });
      expect(await h.caseEvents(first.case!.id)).toEqual([
        {
          type: AbuseCaseV1.type,
          caseId: first.case!.id,
          transition: 'opened',
          status: 'open',
          isvId,
          resourceId,
          severity: 'medium',
          alertId: first.alert.id,
          actor: { kind: 'detector', id: 'abuse-detector' },
          reason: 'a token of this client was presented with another resource’s key',
          deadlineAt: new Date(T0.getTime() + DEADLINE_MS).toISOString(),
          at: T0.toISOString(),
        },
        expect.objectContaining({
          transition: 'alert-added',
          status: 'open',
          severity: 'critical',
          alertId: second.alert.id,
          at: h.now.toISOString(),
        }),
      ]);
    });

    it('adds nothing, and publishes nothing, when the same alert grows', async () => {
      const isvId = anIsv();
      const resourceId = aResourceId();
      const workflow = h.workflow();
      const first = await h.alert(workflow, { isvId, resourceId });

      const again = await h.alert(workflow, { isvId, resourceId });

      expect(again.alert.id).toBe(first.alert.id);
      expect(again.alert.count).toBe(2);
      expect(again.case).toBeUndefined();
      expect((await h.caseEvents(first.case!.id)).map((e) => e.transition)).toEqual(['opened']);
      expect((await new CaseRepository(h.db).get(first.case!.id))?.alertIds).toEqual([first.alert.id]);
    });

    it('opens a new case for the client once its case has ended', async () => {
      const isvId = anIsv();
      const resourceId = aResourceId();
      const workflow = h.workflow();
      const first = await h.alert(workflow, { isvId, resourceId });
      await workflow.blockClient(isvId, first.case!.id, 'blocked');

      const next = await h.alert(workflow, { isvId, resourceId, ruleId: 'client-rate' });

      expect(next.case).toBeDefined();
      expect(next.case?.id).not.toBe(first.case!.id);
      expect(next.case).toMatchObject({ status: 'open', alertIds: [next.alert.id] });
      expect((await new CaseRepository(h.db).get(first.case!.id))?.status).toBe('client-blocked');
    });

    it('reopens an acknowledged case with a fresh deadline on a new alert', async () => {
      const isvId = anIsv();
      const resourceId = aResourceId();
      const workflow = h.workflow();
      const first = await h.alert(workflow, { isvId, resourceId });
      await workflow.acknowledge(isvId, first.case!.id, 'looking into it');
      h.now = new Date(T0.getTime() + 3 * DEADLINE_MS);

      const second = await h.alert(workflow, { isvId, resourceId, ruleId: 'client-rate' });

      expect(second.case).toMatchObject({ id: first.case!.id, status: 'open', deadlineAt: new Date(h.now.getTime() + DEADLINE_MS) });
      expect((await h.caseEvents(first.case!.id)).map((e) => [e.transition, e.status])).toEqual([
        ['opened', 'open'],
        ['acknowledged', 'acknowledged'],
        ['alert-added', 'open'],
      ]);
    });
  });

  describe('ISV answers', () => {
    const h = harness();

    async function openOne(workflow = h.workflow()) {
      const isvId = anIsv();
      const resourceId = aResourceId();
      const { alert, case: c } = await h.alert(workflow, { isvId, resourceId });
      return { isvId, resourceId, alert, caseId: c!.id, workflow };
    }

    it('acknowledge: status acknowledged, no deadline, an acknowledged event by the ISV', async () => {
      const { isvId, caseId, workflow } = await openOne();
      h.now = new Date(T0.getTime() + 5000);

      const acked = await workflow.acknowledge(isvId, caseId, 'rotating the client key');

      expect(acked).toMatchObject({ id: caseId, status: 'acknowledged', deadlineAt: null, updatedAt: h.now });
      expect(await new CaseRepository(h.db).get(caseId)).toMatchObject({ status: 'acknowledged', deadlineAt: null });
      const events = await h.caseEvents(caseId);
      expect(events).toHaveLength(2);
      expect(events[1]).toMatchObject({
        transition: 'acknowledged',
        status: 'acknowledged',
        actor: { kind: 'isv', id: isvId },
        reason: 'rotating the client key',
        alertId: null,
        deadlineAt: null,
        at: h.now.toISOString(),
      });
      expect(await h.ledger(isvId)).toEqual([]);
    });

    it('refuses another ISV’s case, and an unknown case, as not found, changing nothing', async () => {
      const { caseId, workflow } = await openOne();

      expect(await codeOf(workflow.acknowledge('isv-other', caseId, 'mine?'))).toBe('ABUSE.CASE_NOT_FOUND');
      expect(await codeOf(workflow.blockClient('isv-other', caseId, 'mine?'))).toBe('ABUSE.CASE_NOT_FOUND');
      expect(await codeOf(workflow.acknowledge('isv-other', randomUUID(), 'x'))).toBe('ABUSE.CASE_NOT_FOUND');
      expect(await new CaseRepository(h.db).get(caseId)).toMatchObject({ status: 'open' });
      expect(await h.ledger('isv-other')).toEqual([]);
      expect((await h.caseEvents(caseId)).map((e) => e.transition)).toEqual(['opened']);
    });

    it('blockClient: revokes the client (ledger row and access.revocation event) and ends the case client-blocked', async () => {
      const { isvId, resourceId, caseId, workflow } = await openOne();
      h.now = new Date(T0.getTime() + 7000);

      const blocked = await workflow.blockClient(isvId, caseId, 'client terminated');

      expect(blocked).toMatchObject({ status: 'client-blocked', deadlineAt: null });
      expect(await h.ledger(isvId)).toEqual([
        {
          subject_key: `isv-client:${isvId}:${resourceId}`,
          subject_kind: 'isv-client',
          resource_id: resourceId,
          action: 'revoke',
          reason: 'ABUSE.CLIENT_BLOCKED_BY_ISV',
          actor: `isv:${isvId}`,
          alert_id: null,
          not_before: h.now,
        },
      ]);
      expect(await h.revocationEvents(isvId)).toEqual([
        {
          subject: { kind: 'isv-client', isvId, resourceId },
          action: 'revoke',
          reason: 'ABUSE.CLIENT_BLOCKED_BY_ISV',
          alertId: null,
          actor: `isv:${isvId}`,
          notBefore: h.now.toISOString(),
        },
      ]);
      expect((await h.caseEvents(caseId)).at(-1)).toMatchObject({
        transition: 'client-blocked',
        status: 'client-blocked',
        actor: { kind: 'isv', id: isvId },
      });
    });

    it('refuses every answer to a final case as ended, revoking nothing more', async () => {
      const { isvId, caseId, workflow } = await openOne();
      await workflow.blockClient(isvId, caseId, 'blocked');

      expect(await codeOf(workflow.acknowledge(isvId, caseId, 'again'))).toBe('ABUSE.CASE_ENDED');
      expect(await codeOf(workflow.blockClient(isvId, caseId, 'again'))).toBe('ABUSE.CASE_ENDED');
      expect(await h.ledger(isvId)).toHaveLength(1);
      expect((await h.caseEvents(caseId)).map((e) => e.transition)).toEqual(['opened', 'client-blocked']);
    });

    it('the error of an ended case is a CaseError carrying the case id', async () => {
      const { isvId, caseId, workflow } = await openOne();
      await workflow.acknowledge(isvId, caseId, 'ok');
      await workflow.blockClient(isvId, caseId, 'blocked');

      const error = await workflow.acknowledge(isvId, caseId, 'again').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(CaseError);
      expect(error).toBeInstanceOf(LatchkeyError);
      expect(error).toMatchObject({ code: 'ABUSE.CASE_ENDED', details: { caseId } });
    });
  });

  describe('operator close', () => {
    const h = harness();

    it('refuses an unknown case as not found', async () => {
      expect(await codeOf(h.workflow().close(randomUUID(), 'alice', 'x'))).toBe('ABUSE.CASE_NOT_FOUND');
    });

    it('closes an open case, by the operator, and refuses a second close as ended', async () => {
      const isvId = anIsv();
      const workflow = h.workflow();
      const { case: c } = await h.alert(workflow, { isvId, resourceId: aResourceId() });
      h.now = new Date(T0.getTime() + 1000);

      const closed = await workflow.close(c!.id, 'alice', 'false positive');

      expect(closed).toMatchObject({ status: 'closed', deadlineAt: null });
      expect((await h.caseEvents(c!.id)).at(-1)).toMatchObject({
        transition: 'closed',
        status: 'closed',
        actor: { kind: 'operator', id: 'alice' },
        reason: 'false positive',
        at: h.now.toISOString(),
      });
      expect(await codeOf(workflow.close(c!.id, 'alice', 'again'))).toBe('ABUSE.CASE_ENDED');
      expect(await codeOf(workflow.acknowledge(isvId, c!.id, 'late'))).toBe('ABUSE.CASE_ENDED');
    });
  });

  describe('escalation', () => {
    // Its own database: escalateOverdue sweeps every open case, so the counts below are exact.
    const h = harness();

    it('escalates nothing before the deadline, then the overdue case, revoking the ISV', async () => {
      const isvId = anIsv();
      const workflow = h.workflow();
      const { case: c } = await h.alert(workflow, { isvId, resourceId: aResourceId() });

      h.now = new Date(T0.getTime() + DEADLINE_MS - 1);
      expect(await workflow.escalateOverdue()).toBe(0);
      expect((await new CaseRepository(h.db).get(c!.id))?.status).toBe('open');

      h.now = new Date(T0.getTime() + DEADLINE_MS);
      expect(await workflow.escalateOverdue()).toBe(1);

      expect(await new CaseRepository(h.db).get(c!.id)).toMatchObject({ status: 'escalated', deadlineAt: null, updatedAt: h.now });
      expect((await h.caseEvents(c!.id)).at(-1)).toMatchObject({
        transition: 'escalated',
        status: 'escalated',
        actor: { kind: 'detector', id: 'abuse-detector' },
        reason: expect.stringContaining('ABUSE.CASE_UNANSWERED'),
      });
      expect(await h.revocationEvents(isvId)).toEqual([
        {
          subject: { kind: 'isv', isvId },
          action: 'revoke',
          reason: 'ABUSE.CASE_UNANSWERED',
          alertId: c!.alertIds.at(-1),
          actor: 'case-escalation',
          notBefore: h.now.toISOString(),
        },
      ]);
      expect(await h.ledger(isvId)).toEqual([
        expect.objectContaining({ subject_key: `isv:${isvId}`, subject_kind: 'isv', reason: 'ABUSE.CASE_UNANSWERED' }),
      ]);

      // Escalated once: the next sweep finds nothing.
      h.now = new Date(T0.getTime() + 2 * DEADLINE_MS);
      expect(await workflow.escalateOverdue()).toBe(0);
      expect(await h.revocationEvents(isvId)).toHaveLength(1);
    });

    it.each([
      ['automatic revocation is off', { automaticRevocation: false }],
      ['LATCHKEY_ABUSE_CASE_ESCALATION_REVOKES_ISV is off', { cases: { LATCHKEY_ABUSE_CASE_ESCALATION_REVOKES_ISV: false } }],
    ])('escalates but revokes nothing when %s', async (_what, settings) => {
      const isvId = anIsv();
      const workflow = h.workflow(settings);
      const { case: c } = await h.alert(workflow, { isvId, resourceId: aResourceId() });
      h.now = new Date(T0.getTime() + DEADLINE_MS + 1);

      expect(await workflow.escalateOverdue()).toBe(1);

      expect((await new CaseRepository(h.db).get(c!.id))?.status).toBe('escalated');
      expect((await h.caseEvents(c!.id)).at(-1)).toMatchObject({ transition: 'escalated', reason: 'The case was not answered by its deadline.' });
      expect(await h.revocationEvents(isvId)).toEqual([]);
      expect(await h.ledger(isvId)).toEqual([]);
    });

    it('never escalates an acknowledged case', async () => {
      const isvId = anIsv();
      const workflow = h.workflow();
      const { case: c } = await h.alert(workflow, { isvId, resourceId: aResourceId() });
      await workflow.acknowledge(isvId, c!.id, 'on it');
      h.now = new Date(T0.getTime() + 10 * DEADLINE_MS);

      expect(await workflow.escalateOverdue()).toBe(0);

      expect((await new CaseRepository(h.db).get(c!.id))?.status).toBe('acknowledged');
      expect(await h.revocationEvents(isvId)).toEqual([]);
    });

    it('uses the configured deadline', async () => {
      const isvId = anIsv();
      const workflow = h.workflow({ cases: { LATCHKEY_ABUSE_CASE_DEADLINE_MS: 60_000 } });
      const { case: c } = await h.alert(workflow, { isvId, resourceId: aResourceId() });

      expect(c?.deadlineAt).toEqual(new Date(T0.getTime() + 60_000));
      h.now = new Date(T0.getTime() + 60_000);
      expect(await workflow.escalateOverdue()).toBe(1);
      expect((await new CaseRepository(h.db).get(c!.id))?.status).toBe('escalated');
    });
  });

  describe('webhooks', () => {
    const h = harness();

    const setWebhook = (isvId: string) =>
      new WebhookRepository(h.db).set({
        isvId,
        url: 'https://isv.example/hooks',
        secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
        updatedAt: T0,
        updatedBy: 'op',
      });

    it('queues a delivery for opened, alert-added, escalated and closed, none for the ISV’s acknowledgement', async () => {
      const isvId = anIsv();
      const resourceId = aResourceId();
      await setWebhook(isvId);
      const workflow = h.workflow();

      const first = await h.alert(workflow, { isvId, resourceId });
      h.now = new Date(T0.getTime() + 1000);
      const second = await h.alert(workflow, { isvId, resourceId, ruleId: 'client-rate' });
      h.now = new Date(T0.getTime() + 2000);
      await workflow.acknowledge(isvId, first.case!.id, 'on it');
      expect(await h.deliveryTypes(first.case!.id)).toEqual(['case.opened', 'case.alert-added']);
      h.now = new Date(T0.getTime() + 3000);
      await workflow.close(first.case!.id, 'alice', 'resolved');

      expect(await h.deliveryTypes(first.case!.id)).toEqual(['case.opened', 'case.alert-added', 'case.closed']);
      const [opened] = await h.deliveries(first.case!.id);
      expect(opened).toMatchObject({ isv_id: isvId, status: 'pending', attempts: 0, next_attempt_at: T0 });
      expect(opened?.id).toMatch(/^msg_[0-9a-f-]{36}$/);
      const body = JSON.parse(opened!.body) as { type: string; timestamp: string; data: Record<string, unknown> };
      expect(body).toMatchObject({
        type: 'case.opened',
        timestamp: T0.toISOString(),
        data: {
          caseId: first.case!.id,
          isvId,
          resourceId,
          status: 'open',
          deadlineAt: new Date(T0.getTime() + DEADLINE_MS).toISOString(),
          alert: { id: first.alert.id, ruleId: 'foreign-resource', count: 1 },
          respond: {
            acknowledge: `/isv/v1/isvs/${isvId}/cases/${first.case!.id}/acknowledge`,
            blockClient: `/isv/v1/isvs/${isvId}/cases/${first.case!.id}/block-client`,
          },
        },
      });
      expect(second.case?.id).toBe(first.case!.id);
    });

    it('queues a delivery for an escalation, without the answer links', async () => {
      const isvId = anIsv();
      await setWebhook(isvId);
      const workflow = h.workflow();
      const { case: c } = await h.alert(workflow, { isvId, resourceId: aResourceId() });
      h.now = new Date(T0.getTime() + DEADLINE_MS);

      await workflow.escalateOverdue();

      expect(await h.deliveryTypes(c!.id)).toEqual(['case.opened', 'case.escalated']);
      const escalated = (await h.deliveries(c!.id))[1]!;
      expect(JSON.parse(escalated.body)).toMatchObject({
        type: 'case.escalated',
        data: { status: 'escalated', alert: null, respond: null, deadlineAt: null },
      });
    });

    it('queues no delivery for a client blocked by the ISV', async () => {
      const isvId = anIsv();
      await setWebhook(isvId);
      const workflow = h.workflow();
      const { case: c } = await h.alert(workflow, { isvId, resourceId: aResourceId() });

      await workflow.blockClient(isvId, c!.id, 'blocked');

      expect(await h.deliveryTypes(c!.id)).toEqual(['case.opened']);
    });

    it('queues nothing for an ISV without a webhook, while still publishing the events', async () => {
      const isvId = anIsv();
      const resourceId = aResourceId();
      const workflow = h.workflow();

      const { case: c } = await h.alert(workflow, { isvId, resourceId });
      h.now = new Date(T0.getTime() + 1000);
      await h.alert(workflow, { isvId, resourceId, ruleId: 'client-rate' });
      h.now = new Date(T0.getTime() + 2000);
      await workflow.close(c!.id, 'alice', 'resolved');

      expect(await h.deliveryTypes(c!.id)).toEqual([]);
      expect((await h.caseEvents(c!.id)).map((e) => e.transition)).toEqual(['opened', 'alert-added', 'closed']);
    });
  });

  describe('metrics', () => {
    // Its own database: escalateOverdue sweeps every open case.
    const h = harness();
    const issued = async (labels: Record<string, string>) =>
      parseScrape(await renderPrometheusMetrics()).total('latchkey_revocations_issued_total', labels);

    beforeAll(() => startTelemetry({ instrumentations: [] }));
    afterAll(() => shutdownTelemetry());

    it('counts the client an ISV blocks as an isv-client revocation of origin isv, once', async () => {
      const workflow = h.workflow();
      const isvId = anIsv();
      const { case: c } = await h.alert(workflow, { isvId, resourceId: aResourceId() });
      const before = await issued({ kind: 'isv-client', action: 'revoke', origin: 'isv' });

      await workflow.blockClient(isvId, c!.id, 'client terminated');
      await codeOf(workflow.blockClient(isvId, c!.id, 'again')); // refused: the case has ended

      expect((await issued({ kind: 'isv-client', action: 'revoke', origin: 'isv' })) - before).toBe(1);
      expect(await issued({ origin: 'operator' })).toBe(0);
    });

    it('counts an escalation’s ISV revocation as automatic, once, and nothing for an escalation that revokes nothing', async () => {
      const workflow = h.workflow();
      const quiet = h.workflow({ automaticRevocation: false });
      await h.alert(workflow, { isvId: anIsv(), resourceId: aResourceId() });
      const before = await issued({ kind: 'isv', action: 'revoke', origin: 'automatic' });

      h.now = new Date(T0.getTime() + DEADLINE_MS);
      expect(await workflow.escalateOverdue()).toBe(1);
      h.now = new Date(T0.getTime() + 2 * DEADLINE_MS);
      expect(await workflow.escalateOverdue()).toBe(0);
      expect((await issued({ kind: 'isv', action: 'revoke', origin: 'automatic' })) - before).toBe(1);

      await h.alert(quiet, { isvId: anIsv(), resourceId: aResourceId() });
      h.now = new Date(h.now.getTime() + DEADLINE_MS);
      expect(await quiet.escalateOverdue()).toBe(1);
      expect((await issued({ kind: 'isv', action: 'revoke', origin: 'automatic' })) - before).toBe(1);
    });
  });
});
