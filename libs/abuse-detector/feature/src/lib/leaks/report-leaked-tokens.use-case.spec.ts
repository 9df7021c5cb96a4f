import { randomUUID } from 'node:crypto';
import { AbuseAlertV1, AccessRevocationV1, type EventEnvelope } from '@latchkey/contracts';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA, AlertRepository } from '@latchkey/abuse-detector/data-access';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { openMigratedPglite, parseScrape } from '@latchkey/testing';
import { createRemoteJwks, generateSigningKey, KeyRing, signLimitedAccessToken, type SigningKey } from '@latchkey/tokens';
import { parseLeakReport, type LeakReport } from './leak-report.schema';
import { caseWorkflowFor } from '../cases/case-testing';
import { LeakedTokenVerifier } from './leaked-token-verifier';
import { ReportLeakedTokensUseCase, tokenHash } from './report-leaked-tokens.use-case';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ISSUER = 'https://issuer.test';
const KEY_ID = 'reporter-key-1';

interface OutboxRow extends Record<string, unknown> {
  topic: string;
  envelope: EventEnvelope;
}

describe(ReportLeakedTokensUseCase.name, () => {
  let db: Database;
  let outbox: OutboxWriter;
  let issuerKey: SigningKey;
  let verifier: LeakedTokenVerifier;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    outbox = new OutboxWriter(
      new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) }),
      ABUSE_DETECTOR_SCHEMA,
    );
    issuerKey = await generateSigningKey('ES256');
    verifier = new LeakedTokenVerifier({ keys: new KeyRing([{ key: issuerKey, status: 'active' }]).publicJwks(), issuer: ISSUER });
  });

  afterAll(() => db.close());

  const useCase = (identifier = verifier) =>
    new ReportLeakedTokensUseCase(
      db,
      new AlertRepository(db),
      outbox,
      identifier,
      () => NOW,
      caseWorkflowFor(db, outbox, () => NOW),
    );

  const aClient = () => {
    const run = randomUUID().slice(0, 8);
    return {
      isvId: `isv-${run}`,
      resourceId: `/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/RG-${run}/providers/Microsoft.CognitiveServices/accounts/Face`,
    };
  };

  async function aToken(options: { issuedAt?: Date; issuer?: string; key?: SigningKey; client?: { isvId: string; resourceId: string } } = {}) {
    const client = options.client ?? aClient();
    const jti = randomUUID();
    const signed = await signLimitedAccessToken(
      { issuer: options.issuer ?? ISSUER, ...client, features: ['Face.Identification'], lifetimeSeconds: 3600, now: options.issuedAt ?? NOW, jti },
      options.key ?? issuerKey,
    );
    return { token: signed.token, jti, ...client, resourceId: client.resourceId.toLowerCase() };
  }

  const report = (token: string, url = 'https://github.com/octocat/Hello-World/blob/1234/config.env'): LeakReport =>
    parseLeakReport([{ token, type: 'latchkey_limited_access_token', url, source: 'content' }]);

  const outboxFor = async (predicate: string, value: string) =>
    db.query<OutboxRow>(`SELECT topic, envelope FROM abuse_detector.outbox WHERE ${predicate} = $1 ORDER BY id`, [value]);
  const revocationsOf = (jti: string) => outboxFor(`envelope->>'subject'`, `jti:${jti}`);
  const alertsOf = async (resourceId: string) =>
    db.query<{ id: string; count: number; severity: string; explanation: string; status: string }>(
      `SELECT id, count, severity, explanation, status FROM abuse_detector.alerts WHERE rule_id = 'leaked-token' AND subject_id = $1`,
      [resourceId],
    );

  it('answers one of our live tokens true positive, revokes its jti and raises a high alert on its client, in one go', async () => {
    const leaked = await aToken({ issuedAt: new Date(NOW.getTime() - 60_000) });

    const feedback = await useCase().execute(report(leaked.token), KEY_ID);

    expect(feedback).toEqual([{ token_hash: tokenHash(leaked.token), token_type: 'latchkey_limited_access_token', label: 'true_positive' }]);
    const [alert, ...more] = await alertsOf(leaked.resourceId);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ count: 1, severity: 'high', status: 'open' });
    expect(alert?.explanation).toContain('https://github.com/octocat/Hello-World/blob/1234/config.env');
    expect(alert?.explanation).toContain(leaked.jti);
    const revocations = await revocationsOf(leaked.jti);
    expect(revocations.map((r) => [r.topic, r.envelope.data])).toEqual([
      [
        AccessRevocationV1.topic,
        {
          subject: { kind: 'jti', jti: leaked.jti },
          notBefore: NOW.toISOString(),
          action: 'revoke',
          reason: 'ABUSE.TOKEN_LEAKED',
          alertId: alert?.id,
          actor: 'leak-report:content',
        },
      ],
    ]);
    const published = await outboxFor(`envelope->'data'->>'alertId'`, alert?.id ?? '');
    expect(published.filter((r) => r.topic === AbuseAlertV1.topic).map((r) => r.envelope.data)).toContainEqual(
      expect.objectContaining({
        ruleId: 'leaked-token',
        severity: 'high',
        isvId: leaked.isvId,
        resourceId: leaked.resourceId,
        subject: { kind: 'resource', id: leaked.resourceId },
      }),
    );
  });

  it('keeps the leaks of two ISVs sharing one client resource apart: one alert and one case per ISV, each with its own ISV', async () => {
    const shared = aClient();
    const ofA = await aToken({ client: shared });
    const ofB = await aToken({ client: { ...shared, isvId: `${shared.isvId}-b` } });

    await useCase().execute(report(ofA.token), KEY_ID);
    await useCase().execute(report(ofB.token), KEY_ID);
    await useCase().execute(report(ofB.token), KEY_ID);

    const alerts = await db.query<{ id: string; isv_id: string; count: number; explanation: string }>(
      `SELECT id, isv_id, count, explanation FROM abuse_detector.alerts WHERE rule_id = 'leaked-token' AND subject_id = $1 ORDER BY isv_id`,
      [ofA.resourceId],
    );
    expect(alerts.map((a) => [a.isv_id, a.count])).toEqual([
      [ofA.isvId, 1],
      [ofB.isvId, 2],
    ]);
    expect(alerts[0]?.explanation).toContain(ofA.jti);
    expect(alerts[1]?.explanation).toContain(ofB.jti);
    const cases = await db.query<{ isv_id: string; alert_ids: string[] }>(
      `SELECT isv_id, alert_ids FROM abuse_detector.cases WHERE resource_id = $1 ORDER BY isv_id`,
      [ofA.resourceId],
    );
    expect(cases).toEqual([
      { isv_id: ofA.isvId, alert_ids: [alerts[0]?.id] },
      { isv_id: ofB.isvId, alert_ids: [alerts[1]?.id] },
    ]);
  });

  it('does not revoke twice when the same token is reported again (or twice in one report); the alert grows', async () => {
    const leaked = await aToken();
    await useCase().execute(report(leaked.token), KEY_ID);

    const again = await useCase().execute([...report(leaked.token), ...report(leaked.token)], KEY_ID);

    expect(again.map((f) => f.label)).toEqual(['true_positive', 'true_positive']);
    expect(await revocationsOf(leaked.jti)).toHaveLength(1);
    expect((await alertsOf(leaked.resourceId))[0]).toMatchObject({ count: 2 });
  });

  it('records an expired token of ours as evidence without revoking it', async () => {
    const leaked = await aToken({ issuedAt: new Date(NOW.getTime() - 2 * 86_400_000) });

    const feedback = await useCase().execute(report(leaked.token), KEY_ID);

    expect(feedback[0]?.label).toBe('true_positive');
    expect(await revocationsOf(leaked.jti)).toEqual([]);
    const [alert] = await alertsOf(leaked.resourceId);
    expect(alert?.explanation).toContain('nothing was revoked');
  });

  it('answers false positive, and writes nothing, for strings that are not our tokens', async () => {
    const foreignKey = await generateSigningKey('ES256');
    const forged = await aToken({ key: foreignKey });
    const otherIssuer = await aToken({ issuer: 'https://elsewhere.test' });
    const [header, payload] = (await aToken()).token.split('.');
    const before = await db.query<{ n: string }>('SELECT count(*) AS n FROM abuse_detector.outbox');

    const feedback = await useCase().execute(
      parseLeakReport([
        { token: forged.token, type: 't', url: '' },
        { token: otherIssuer.token, type: 't', url: '' },
        { token: `${header}.${payload}.AAAA`, type: 't', url: '' },
        { token: 'lk_not_a_jwt_at_all', type: 't', url: '' },
      ]),
      KEY_ID,
    );

    expect(feedback.map((f) => f.label)).toEqual(['false_positive', 'false_positive', 'false_positive', 'false_positive']);
    expect(await db.query<{ n: string }>('SELECT count(*) AS n FROM abuse_detector.outbox')).toEqual(before);
    expect(await alertsOf(forged.resourceId)).toEqual([]);
  });

  it('refuses to judge when the issuer’s keys cannot be fetched, instead of answering false positive', async () => {
    const leaked = await aToken();
    const unreachable = new LeakedTokenVerifier({ keys: createRemoteJwks('http://127.0.0.1:9/jwks.json', { timeoutMs: 500 }), issuer: ISSUER });

    await expect(useCase(unreachable).execute(report(leaked.token), KEY_ID)).rejects.toMatchObject({ code: 'ABUSE.LEAK_VERIFICATION_UNAVAILABLE' });
    expect(await revocationsOf(leaked.jti)).toEqual([]);
  });

  it('never stores the token: not in the alert (even when the URL carries it), not in the outbox', async () => {
    const leaked = await aToken();

    await useCase().execute(report(leaked.token, `https://gist.github.com/x/raw?t=${leaked.token}`), KEY_ID);

    const [alert] = await alertsOf(leaked.resourceId);
    expect(alert?.explanation).toContain('?t=[token]');
    const stored = JSON.stringify([await db.query('SELECT * FROM abuse_detector.alerts'), await db.query('SELECT * FROM abuse_detector.outbox')]);
    expect(stored).not.toContain(leaked.token);
    expect(stored).not.toContain(leaked.token.split('.')[2]);
  });

  describe('metrics', () => {
    const scrape = async () => parseScrape(await renderPrometheusMetrics());
    const jtiRevoked = { kind: 'jti', action: 'revoke', origin: 'automatic' };
    const leakAlert = { rule: 'leaked-token', severity: 'high' };

    beforeAll(() => startTelemetry({ instrumentations: [] }));
    afterAll(() => shutdownTelemetry());

    it('counts each report of one of our tokens as a leaked-token finding, and its jti revocation once', async () => {
      const leaked = await aToken({ issuedAt: new Date(NOW.getTime() - 60_000) });
      const before = await scrape();

      await useCase().execute(report(leaked.token), KEY_ID);
      await useCase().execute(report(leaked.token), KEY_ID); // reported again: one more finding, no second revocation

      const after = await scrape();
      expect(after.total('latchkey_abuse_alerts_total', leakAlert) - before.total('latchkey_abuse_alerts_total', leakAlert)).toBe(2);
      expect(after.total('latchkey_revocations_issued_total', jtiRevoked) - before.total('latchkey_revocations_issued_total', jtiRevoked)).toBe(1);
      expect(after.text).not.toContain(leaked.jti);
    });
  });
});

describe(parseLeakReport.name, () => {
  it.each([
    ['not an array', { token: 'x', type: 't', url: '' }],
    ['an empty array', []],
    ['a match without a token', [{ type: 't', url: '' }]],
    ['a token that is not a string', [{ token: 42, type: 't', url: '' }]],
    ['more than 100 matches', Array.from({ length: 101 }, () => ({ token: 'x', type: 't', url: '' }))],
  ])('refuses %s', (_, body) => {
    expect(() => parseLeakReport(body)).toThrow(expect.objectContaining({ code: 'ABUSE.LEAK_REPORT_INVALID' }));
  });

  it('names the bad field, never its value', () => {
    const secret = 'secret-value-that-must-not-echo';
    expect(() => parseLeakReport([{ token: secret, type: { nested: secret }, url: '' }])).toThrow(/0\.type is not valid/);
    try {
      parseLeakReport([{ token: secret, type: { nested: secret }, url: '' }]);
    } catch (error) {
      expect(JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details })).not.toContain(secret);
    }
  });

  it('accepts the partner format with an empty URL and without source, ignoring unknown fields', () => {
    expect(parseLeakReport([{ token: 'x', type: 't', url: '', extra: 1 }])).toEqual([{ token: 'x', type: 't', url: '' }]);
  });
});
