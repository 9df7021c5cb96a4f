import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { AbuseCaseV1, AccessRevocationV1, type EventData } from '@latchkey/contracts';
import { EventBus, KafkaTransport } from '@latchkey/messaging';
import {
  AbuseDetectorProcess,
  FaceApiProcess,
  innerErrorCode,
  IssuerProcess,
  misuseUntilRevoked,
  ServiceProcess,
  useOwnKafka,
  withServiceWorkspace,
  type ClientResource,
  type OnboardedIsv,
  type OwnKafka,
  type ServiceWorkspace,
} from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually, testKafkaBrokers } from '@latchkey/testing';
import { generateSigningKey } from '@latchkey/tokens';

type CaseEvent = EventData<typeof AbuseCaseV1>;
type Revocation = EventData<typeof AccessRevocationV1>;

/** A case as the APIs answer it. */
interface CaseView {
  readonly id: string;
  readonly isvId: string;
  readonly resourceId: string;
  readonly status: string;
  readonly severity: string;
  readonly alertIds: string[];
  readonly deadlineAt: string | null;
  readonly history: { transition: string; actor: { kind: string; id: string } }[];
}

/** A webhook request as the ISV's endpoint received it. */
interface Received {
  readonly headers: Record<string, string>;
  readonly body: string;
}

const ISSUER_URL = 'https://sts.abuse-cases.test';
/** Short, so the escalation test waits seconds, not a day; long enough for the other tests to answer in time. */
const DEADLINE_MS = 20_000;
const PROPAGATION = { timeoutMs: 30_000 };
const run = randomUUID().slice(0, 8);

/**
 * The case workflow as deployed: the issuer, the face-api, the abuse detector and the audit service in processes of
 * their own, on real Kafka (a broker of this file's own) and PostgreSQL, driven through public HTTP only. Misuse
 * opens the client's case; the ISV hears of it by a signed Standard Webhooks call, answers with a cases token from
 * the issuer (acknowledge, or block its client: revoked at once); an unanswered case escalates at its deadline and
 * revokes the ISV; every transition is an `abuse.case` event, stored by audit.
 */
describeWithInfrastructure(
  'abuse cases: ISV webhook, acknowledge, block, deadline escalation (issuer, face-api, detector, audit as processes)',
  () => {
    let kafka: OwnKafka;
    let issuer: IssuerProcess;
    let face: FaceApiProcess;
    let detector: AbuseDetectorProcess;
    let audit: { service: ServiceProcess; workspace: ServiceWorkspace; operatorKey: string };
    let bus: EventBus;
    let receiver: Server;
    let receiverUrl: string;
    const received: Received[] = [];
    const caseEvents: CaseEvent[] = [];
    const revocations: Revocation[] = [];
    let elsewhere: ClientResource;
    /** The first test's acknowledged case, whose deadline passes before the last test's. */
    let acknowledgedCase: { isv: OnboardedIsv; caseId: string } | undefined;

    beforeAll(async () => {
      kafka = await useOwnKafka();
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
          response.writeHead(204).end();
        });
      });
      await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/latchkey/cases`;

      issuer = await IssuerProcess.start(ISSUER_URL);
      const auditOperatorKey = `op-${randomBytes(32).toString('base64url')}`;
      const auditKey = await generateSigningKey('EdDSA');
      const booted = await Promise.allSettled([
        AbuseDetectorProcess.start({
          LATCHKEY_ABUSE_ISSUER: ISSUER_URL,
          LATCHKEY_ABUSE_ISSUER_JWKS_URL: `${issuer.url}/.well-known/jwks.json`,
          LATCHKEY_ABUSE_CASE_DEADLINE_MS: String(DEADLINE_MS),
          LATCHKEY_ABUSE_CASE_SWEEP_INTERVAL_MS: '250',
          LATCHKEY_ABUSE_WEBHOOK_POLL_INTERVAL_MS: '100',
          // The ISV's endpoint is a listener on this machine (plain http to 127.0.0.1), as in development.
          LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
          LATCHKEY_ABUSE_FEATURE_PROBING_THRESHOLD: '5',
        }).then((started) => (detector = started)),
        withServiceWorkspace('audit', async (workspace) => ({
          workspace,
          operatorKey: auditOperatorKey,
          service: await ServiceProcess.start('audit', {
            env: {
              DATABASE_URL: workspace.database.url,
              LATCHKEY_DATA_DIR: workspace.dataDir,
              LATCHKEY_AUDIT_OPERATOR_KEY: auditOperatorKey,
              LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(auditKey.privateJwk),
            },
          }),
        })).then((started) => (audit = started)),
        FaceApiProcess.start(issuer).then((started) => (face = started)),
      ]);
      for (const outcome of booted) if (outcome.status === 'rejected') throw outcome.reason;
      elsewhere = await face.createClientResource('elsewhere');
      bus = new EventBus({
        source: '/latchkey/test',
        transport: new KafkaTransport({ brokers: testKafkaBrokers() ?? [], clientId: `test-abuse-cases-${run}` }),
      });
      await bus.connect();
      await bus.subscribe({
        group: `test.abuse-cases.${run}`,
        events: [AbuseCaseV1, AccessRevocationV1],
        handle: async (event) => {
          if (event.envelope.type === AbuseCaseV1.type) caseEvents.push(event.envelope.data as CaseEvent);
          else revocations.push(event.envelope.data as Revocation);
        },
      });
    }, 180_000);

    afterAll(async () => {
      await bus?.close();
      await face?.stop();
      await detector?.stop();
      await audit?.service.stop();
      await audit?.workspace.dispose();
      await issuer?.stop();
      await kafka?.stop();
      await new Promise((closed) => receiver?.close(closed));
    });

    const onboard = (name: string) => issuer.onboardIsv(`isv-${name}-${run}`, ['Face.Identification']);
    const mint = (isv: OnboardedIsv, client: ClientResource) =>
      issuer.mint(isv.subscriptionKey, { resourceId: client.armId, features: ['Face.Identification'] });
    const issuanceCode = async (isv: OnboardedIsv, client: ClientResource) =>
      innerErrorCode(
        (await issuer.issueLimitedAccessToken(isv.subscriptionKey, { resourceId: client.armId, features: ['Face.Identification'] })).text,
      );

    async function withWebhook(isv: OnboardedIsv): Promise<string> {
      const answer = await detector.operator('PUT', `/admin/v1/isvs/${isv.id}/webhook`, { url: receiverUrl });
      expect(answer.status).toBe(200);
      const { secret } = answer.json<{ secret: string }>();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      // Shown once: reading the webhook back never shows it.
      expect((await detector.operator('GET', `/admin/v1/isvs/${isv.id}/webhook`)).text).not.toContain(secret);
      return secret;
    }

    /** The cases token an ISV gets from the issuer with its subscription key. */
    async function casesToken(isv: OnboardedIsv): Promise<string> {
      const answer = await issuer.request('POST', '/isv/v1/cases-token', { headers: { 'ocp-apim-subscription-key': isv.subscriptionKey } });
      expect(answer.status).toBe(200);
      return answer.json<{ token: string }>().token;
    }

    const asIsv = (token: string, method: string, path: string, body?: unknown) =>
      detector.request(method, path, { body, headers: { authorization: `Bearer ${token}` } });

    /** The webhooks received for a case, verified with the ISV's secret (a forged or altered one fails the test). */
    function webhooksOf(caseId: string, secret: string): { type: string; data: Record<string, unknown> }[] {
      return received
        .map((r) => ({ r, body: JSON.parse(r.body) as { type: string; data: Record<string, unknown> } }))
        .filter(({ body }) => body.data['caseId'] === caseId)
        .map(({ r, body }) => {
          new Webhook(secret).verify(r.body, r.headers);
          return body;
        });
    }

    async function caseOf(isv: OnboardedIsv, client: ClientResource): Promise<CaseView> {
      return eventually(
        async () => {
          const { cases } = (await detector.operator('GET', `/admin/v1/cases?isvId=${isv.id}`)).json<{ cases: CaseView[] }>();
          return cases.find((c) => c.resourceId === client.resourceId) ?? false;
        },
        { ...PROPAGATION, what: `the case of ${client.resourceId}` },
      );
    }

    it('opens the client’s case at misuse, tells the ISV by a signed webhook with the evidence, and takes its acknowledgement', async () => {
      const isv = await onboard('acknowledges');
      const secret = await withWebhook(isv);
      const client = await face.createClientResource('ack');
      const token = await mint(isv, client);
      expect((await face.gated('identify', client.subscriptionKey, token)).statusCode).toBe(200);
      await misuseUntilRevoked(face, token, client, elsewhere, 30_000);

      const opened = await caseOf(isv, client);
      expect(opened).toMatchObject({ isvId: isv.id, status: 'open', severity: 'critical' });
      const [hook] = await eventually(() => (webhooksOf(opened.id, secret).length > 0 ? webhooksOf(opened.id, secret) : false), {
        ...PROPAGATION,
        what: 'the case.opened webhook',
      });
      expect(hook).toMatchObject({
        type: 'case.opened',
        data: {
          caseId: opened.id,
          isvId: isv.id,
          resourceId: client.resourceId,
          status: 'open',
          alert: { ruleId: 'foreign-resource', severity: 'critical' },
        },
      });
      expect((hook?.data['alert'] as { evidenceEventIds: string[] }).evidenceEventIds.length).toBeGreaterThan(0);
      // Nothing secret in what the ISV receives: not the token, not a key.
      expect(received.map((r) => r.body).join('\n')).not.toContain(token);
      expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(received[0]?.body ?? '', received[0]?.headers ?? {})).toThrow();

      // The ISV answers with a cases token of its own; another ISV's token gets nothing.
      const mine = await casesToken(isv);
      const listed = await asIsv(mine, 'GET', `/isv/v1/isvs/${isv.id}/cases?status=open`);
      expect(listed.json<{ cases: CaseView[] }>().cases.map((c) => c.id)).toEqual([opened.id]);
      const stranger = await onboard('stranger');
      const theirs = await casesToken(stranger);
      expect((await asIsv(theirs, 'GET', `/isv/v1/isvs/${isv.id}/cases`)).status).toBe(403);
      expect((await asIsv(theirs, 'POST', `/isv/v1/isvs/${stranger.id}/cases/${opened.id}/acknowledge`, { note: 'not ours' })).status).toBe(404);
      expect((await asIsv(mine, 'POST', `/isv/v1/isvs/${isv.id}/cases/${opened.id}/acknowledge`, {})).status).toBe(400);
      expect((await detector.request('GET', `/isv/v1/isvs/${isv.id}/cases`)).status).toBe(401);

      const acknowledged = await asIsv(mine, 'POST', `/isv/v1/isvs/${isv.id}/cases/${opened.id}/acknowledge`, {
        note: 'Rotating the client credentials today.',
      });
      expect(acknowledged.status).toBe(200);
      expect(acknowledged.json<CaseView>()).toMatchObject({ status: 'acknowledged', deadlineAt: null });
      expect(acknowledged.json<CaseView>().history.at(-1)).toMatchObject({ transition: 'acknowledged', actor: { kind: 'isv', id: isv.id } });

      // Acknowledged, it never escalates: the last test checks it once a later deadline has passed.
      acknowledgedCase = { isv, caseId: opened.id };
      await eventually(() => caseEvents.some((e) => e.caseId === opened.id && e.transition === 'acknowledged'), {
        ...PROPAGATION,
        what: 'abuse.case acknowledged',
      });
    }, 120_000);

    it('revokes the client the ISV blocks through its case: its tokens are refused and the issuer issues none for it', async () => {
      const isv = await onboard('blocks');
      await withWebhook(isv);
      const client = await face.createClientResource('probing');
      const token = await mint(isv, client);
      expect((await face.gated('identify', client.subscriptionKey, token)).statusCode).toBe(200);
      // Feature probing (medium: notify only, nothing revoked): refusals for a feature the token lacks, until the case opens.
      const probing = await eventually(
        async () => {
          for (let i = 0; i < 5; i++) await face.gated('verify', client.subscriptionKey, token);
          const { cases } = (await detector.operator('GET', `/admin/v1/cases?isvId=${isv.id}`)).json<{ cases: CaseView[] }>();
          return cases.find((c) => c.resourceId === client.resourceId) ?? false;
        },
        { ...PROPAGATION, intervalMs: 500, what: 'a feature-probing case' },
      );
      expect(probing).toMatchObject({ severity: 'medium', status: 'open' });
      expect((await face.gated('identify', client.subscriptionKey, token)).statusCode).toBe(200);

      const blocked = await asIsv(await casesToken(isv), 'POST', `/isv/v1/isvs/${isv.id}/cases/${probing.id}/block-client`, {
        note: 'This customer broke our terms; blocking them.',
      });
      expect(blocked.status).toBe(200);
      expect(blocked.json<CaseView>()).toMatchObject({ status: 'client-blocked' });
      await eventually(async () => innerErrorCode((await face.gated('identify', client.subscriptionKey, token)).body) === 'TokenRevoked', {
        ...PROPAGATION,
        what: 'the blocked client’s token refused',
      });
      await eventually(async () => (await issuanceCode(isv, client)) === 'ClientRevoked', {
        ...PROPAGATION,
        what: 'issuance for the blocked client refused',
      });
      expect(revocations.find((r) => r.subject.kind === 'isv-client' && r.subject.isvId === isv.id)).toMatchObject({
        reason: 'ABUSE.CLIENT_BLOCKED_BY_ISV',
        actor: `isv:${isv.id}`,
      });
      // Ended: it takes no more answers.
      const again = await asIsv(await casesToken(isv), 'POST', `/isv/v1/isvs/${isv.id}/cases/${probing.id}/acknowledge`, { note: 'too late' });
      expect({ status: again.status, code: innerErrorCode(again.text) }).toEqual({ status: 409, code: 'CaseEnded' });
    }, 120_000);

    it('escalates a case left unanswered past its deadline: the ISV is revoked, every client refused, and audit holds every transition', async () => {
      const isv = await onboard('silent');
      const secret = await withWebhook(isv);
      const [client, bystander] = await Promise.all([face.createClientResource('silent'), face.createClientResource('silent-bystander')]);
      const bystanderToken = await mint(isv, bystander);
      const token = await mint(isv, client);
      await misuseUntilRevoked(face, token, client, elsewhere, 30_000);
      const opened = await caseOf(isv, client);

      const escalated = await eventually(
        async () => {
          const current = (await detector.operator('GET', `/admin/v1/cases/${opened.id}`)).json<CaseView & { deliveries: { status: string }[] }>();
          return current.status === 'escalated' ? current : false;
        },
        { timeoutMs: DEADLINE_MS + 30_000, intervalMs: 500, what: 'the case escalated' },
      );
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(opened.deadlineAt ?? ''));
      expect(escalated.history.map((h) => h.transition)).toEqual(['opened', 'escalated']);
      // The acknowledged case of the first test, its deadline long past: still acknowledged, its ISV never revoked.
      expect(acknowledgedCase).toBeDefined();
      expect((await detector.operator('GET', `/admin/v1/cases/${acknowledgedCase?.caseId}`)).json<CaseView>().status).toBe('acknowledged');
      expect(revocations.filter((r) => r.subject.kind === 'isv' && r.subject.isvId === acknowledgedCase?.isv.id)).toEqual([]);
      const isvRevocation = await eventually(() => revocations.find((r) => r.subject.kind === 'isv' && r.subject.isvId === isv.id) ?? false, {
        ...PROPAGATION,
        what: 'the ISV revoked',
      });
      expect(isvRevocation).toMatchObject({ action: 'revoke', reason: 'ABUSE.CASE_UNANSWERED', actor: 'case-escalation' });
      await eventually(
        async () => innerErrorCode((await face.gated('identify', bystander.subscriptionKey, bystanderToken)).body) === 'TokenRevoked',
        {
          ...PROPAGATION,
          what: 'a token of another client of the ISV refused',
        },
      );
      await eventually(async () => (await issuanceCode(isv, bystander)) === 'IsvRevoked', { ...PROPAGATION, what: 'issuance refused' });
      await eventually(() => webhooksOf(opened.id, secret).some((w) => w.type === 'case.escalated'), {
        ...PROPAGATION,
        what: 'the case.escalated webhook',
      });

      // Audit stored both transitions, filterable by the ISV.
      const stored = await eventually(
        async () => {
          const response = await fetch(`${audit.service.url}/admin/v1/audit/events?type=abuse.case&isvId=${isv.id}`, {
            headers: { authorization: `Bearer ${audit.operatorKey}` },
          });
          const { items } = (await response.json()) as { items: { data: CaseEvent }[] };
          return items.length >= 2 ? items : false;
        },
        { ...PROPAGATION, what: 'the case’s events in audit' },
      );
      expect(stored.map((row) => [row.data.caseId, row.data.transition])).toEqual([
        [opened.id, 'opened'],
        [opened.id, 'escalated'],
      ]);
    }, 120_000);
  },
);
