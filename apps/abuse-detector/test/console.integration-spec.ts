import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';
import { AccessRevocationV1 } from '@latchkey/contracts';
import {
  AbuseDetectorProcess,
  FaceApiProcess,
  innerErrorCode,
  IssuerProcess,
  misuseUntilRevoked,
  startServiceUnderTest,
  useOwnKafka,
  type IssuerAnswer,
  type ListedAlert,
  type OwnKafka,
  type ServiceUnderTest,
} from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { OperatorAccess } from './support/operator-access';

/** Debian's `chromium` package (`.ci/run` installs it). */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const SCREENSHOT = resolve(__dirname, '../test-output/console.png');
const ISSUER_URL = 'https://sts.console.test';
const PROPAGATION = { timeoutMs: 30_000 };
const UI_TIMEOUT_MS = 30_000;
const STREAM_PATH = '/admin/v1/alerts/stream';
/** The server's reconnection hint (`retry: 2000`, the stream's first line), which the page follows. */
const RETRY_MS = 2_000;
/** A page that reconnects makes a new request within one retry interval; three of them leave room for a busy machine. */
const QUIET_MS = 3 * RETRY_MS;
/** The stream re-checks its credential every 5 s (STREAM_RECHECK_MS): a refusal ends it well within this. */
const END_WITHIN_MS = 20_000;
const run = randomUUID().slice(0, 8);

/** Every request the page makes to the alert stream, as it makes it (a refused or failed one included). */
function streamRequestsOf(page: Page): number[] {
  const requests: number[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === STREAM_PATH) requests.push(Date.now());
  });
  return requests;
}

/**
 * No request to the stream beyond the `connected` ones that made it live, for QUIET_MS after the end: a single refused
 * retry counts too. The absence of a reconnection can only be observed over a bounded time, but this fails at the first.
 */
async function expectNoReconnection(requests: readonly number[], connected: number): Promise<void> {
  await expect(eventually(() => requests.length > connected, { timeoutMs: QUIET_MS, what: 'a reconnection' })).rejects.toThrow(/timed out/);
  expect(requests).toHaveLength(connected);
}

/** Under CI the browser test must run; on a developer machine without Chromium it is skipped, and says why. */
function describeWithBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM) || process.env['CI'] === 'true') {
    describeWithInfrastructure(name, body);
    return;
  }
  process.stderr.write(`\n*** ${name}: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it) ***\n`);
  describe.skip(`${name} [skipped: no ${CHROMIUM}]`, body);
}

/**
 * The issue's console acceptance test, in a real headless Chromium driven by playwright-core: the issuer, the
 * face-api and the detector run as processes (a Kafka broker of this file's own, PostgreSQL); the operator opens
 * `/console` and enters the operator key; misuse caused through public HTTP only (a token presented with another
 * client's key) appears in the page without a reload; the operator reinstates the revoked client through the page,
 * with its confirmation step, and the issuer issues for that client again.
 */
describeWithBrowser('security-operations console: a live alert in the browser, and a reinstatement through it', () => {
  const operatorKey = `op-${randomBytes(32).toString('base64url')}`;
  let kafka: OwnKafka;
  let issuer: IssuerProcess;
  let face: FaceApiProcess;
  let detector: AbuseDetectorProcess | undefined;
  let browser: Browser;
  let page: Page;
  /** What the page said that it should not have: script errors, CSP violations. */
  const pageProblems: string[] = [];

  beforeAll(async () => {
    kafka = await useOwnKafka();
    const booted = await Promise.allSettled([
      IssuerProcess.start(ISSUER_URL).then((started) => (issuer = started)),
      // The key the operator types into the page: the detector's own, set rather than generated so the test knows it.
      AbuseDetectorProcess.start({ LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: operatorKey }).then((started) => (detector = started)),
    ]);
    for (const outcome of booted) if (outcome.status === 'rejected') throw outcome.reason;
    face = await FaceApiProcess.start(issuer);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[49]/.test(message.text())) pageProblems.push(`console: ${message.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await face?.stop();
    await detector?.stop();
    await issuer?.stop();
    await kafka?.stop();
  });

  const testId = (id: string) => page.locator(`[data-testid="${id}"]`);
  const refusal = (answer: IssuerAnswer) => ({ status: answer.status, code: innerErrorCode(answer.text) });

  it('shows misuse as a live alert and reinstates the revoked client with confirmation', async () => {
    const url = detector?.url ?? '';
    const response = await page.goto(`${url}/console`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');

    await testId('operator-key').fill(operatorKey);
    await testId('connect').click();
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await expect(testId('operator-key').inputValue()).resolves.toBe('');
    // A marker that a reload would wipe: the alert must arrive through the open stream.
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));

    // Misuse through public HTTP only: a token of client A presented with client B's key, until A is revoked.
    const isv = await issuer.onboardIsv(`isv-console-${run}`, ['Face.Identification']);
    const [a, b] = await Promise.all([face.createClientResource('console-a'), face.createClientResource('console-b')]);
    const features = ['Face.Identification'] as const;
    const token = await issuer.mint(isv.subscriptionKey, { resourceId: a.armId, features });
    expect((await face.gated('identify', a.subscriptionKey, token)).statusCode).toBe(200);
    await misuseUntilRevoked(face, token, a, b, 30_000);

    const row = page.locator(`[data-testid="alert-row"][data-rule="foreign-resource"][data-resource-id="${a.resourceId}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await expect(row.getAttribute('data-severity')).resolves.toBe('critical');

    // Its case, opened in the same transaction, with its deadline.
    const caseRow = page.locator(`[data-testid="case-row"][data-resource-id="${a.resourceId}"]`);
    await caseRow.waitFor({ timeout: UI_TIMEOUT_MS });
    await expect(caseRow.locator('[data-testid="case-deadline"]').textContent()).resolves.toMatch(/^\d{4}-\d{2}-\d{2} /);

    // The detail, with its evidence.
    await row.click();
    await page.locator(`[data-testid="alert-detail"][data-alert-id]`).waitFor();
    await expect(testId('detail-isv').textContent()).resolves.toBe(isv.id);
    await expect(testId('detail-resource').textContent()).resolves.toBe(a.resourceId);
    expect(await testId('alert-evidence').locator('li').count()).toBeGreaterThan(0);

    // The issuer refuses client A now.
    await eventually(
      async () => refusal(await issuer.issueLimitedAccessToken(isv.subscriptionKey, { resourceId: a.armId, features })).code === 'ClientRevoked',
      {
        ...PROPAGATION,
        what: 'issuance for client A refused',
      },
    );

    // Reinstate through the page: the dialog first, cancelled, then confirmed.
    await testId('action-reinstate-client').click();
    await testId('confirm-dialog').waitFor();
    await expect(testId('confirm-text').textContent()).resolves.toContain(a.resourceId);
    await testId('confirm-cancel').click();
    await testId('toast').filter({ hasText: 'Cancelled.' }).waitFor();
    await testId('action-reinstate-client').click();
    await testId('confirm-reason-code').selectOption('ADMIN.FALSE_POSITIVE');
    await testId('confirm-submit').click();
    await page.locator('[data-testid="toast"].success').waitFor({ timeout: UI_TIMEOUT_MS });
    await expect(testId('toast').textContent()).resolves.toContain(`Reinstated client ${a.resourceId}`);

    // The reinstatement happened: the issuer issues for client A again (the misused token, older, stays refused).
    await eventually(async () => (await issuer.issueLimitedAccessToken(isv.subscriptionKey, { resourceId: a.armId, features })).status === 200, {
      ...PROPAGATION,
      what: 'issuance for client A again',
    });
    expect(innerErrorCode((await face.gated('identify', a.subscriptionKey, token)).body)).toBe('TokenRevoked');

    // The ISV's activity, counted from the stream, as a chart.
    await testId('action-show-activity').click();
    await eventually(
      async () => {
        await testId('activity-load').click();
        return Number(await testId('isv-activity').getAttribute('data-total-issued')) >= 2;
      },
      { ...PROPAGATION, what: 'the ISV activity chart counts the issuances' },
    );
    expect(await page.evaluate(() => typeof (globalThis as unknown as { Chart?: unknown }).Chart)).toBe('function');
    // The open case is still listed for the screenshot (a reinstatement does not end it: the ISV answers it).
    await expect(testId('case-row').first().isVisible()).resolves.toBe(true);

    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    process.stderr.write(`console screenshot: ${SCREENSHOT}\n`);

    expect(pageProblems).toEqual([]);
    const logs = detector?.logs() ?? '';
    expect(logs).not.toContain(operatorKey);
    expect(logs).not.toContain(token);
  }, 120_000);

  it('guards and validates the console’s API: the key, the stream’s framing, manual revocation once per alert, activity bounds', async () => {
    const url = detector?.url ?? '';
    const call = (method: string, path: string, body?: unknown, key: string | null = operatorKey) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const inner = async (response: Response) => ({ status: response.status, code: innerErrorCode(await response.text()) });

    await expect(call('GET', '/admin/v1/alerts/stream', undefined, null).then(inner)).resolves.toEqual({
      status: 401,
      code: 'OperatorCredentialMissing',
    });
    await expect(call('GET', '/admin/v1/isvs/x/activity?minutes=0').then(inner)).resolves.toEqual({ status: 400, code: 'InvalidAdminRequest' });
    await expect(call('GET', '/admin/v1/alerts?severity=urgent').then(inner)).resolves.toEqual({ status: 400, code: 'InvalidAdminRequest' });
    await expect(call('GET', `/admin/v1/alerts/${randomUUID()}`).then(inner)).resolves.toEqual({ status: 404, code: 'AlertNotFound' });
    await expect(call('POST', '/admin/v1/revocations', { subject: { kind: 'jti', jti: 'x' }, reason: 'ADMIN.MANUAL' }).then(inner)).resolves.toEqual({
      status: 400,
      code: 'InvalidAdminRequest',
    });

    // The stream: SSE headers, then the open alerts as `event: alert`.
    const controller = new AbortController();
    const stream = await call('GET', '/admin/v1/alerts/stream');
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-store');
    const reader = stream.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': live')) text += (await reader?.read())?.value ?? '';
    controller.abort();
    await reader?.cancel();
    const listed = (await (await call('GET', '/admin/v1/alerts?status=open')).json()) as { alerts: ListedAlert[] };
    const [first] = listed.alerts;
    expect(text).toContain(`event: alert\ndata: {"id":"${first?.id}"`);

    // A manual revocation of the alert's ISV: written once for this alert, refused the second time.
    // This file's own ISV (the detector's database may hold other alerts, and an alert need not name an ISV).
    const alert = listed.alerts.find((a) => a.ruleId === 'foreign-resource' && a.isvId === `isv-console-${run}`);
    if (!alert) throw new Error('the foreign-resource alert of the first test is not listed');
    const body = { subject: { kind: 'isv', isvId: alert.isvId }, reason: 'ADMIN.ABUSE_CONFIRMED', alertId: alert.id };
    const revoked = await call('POST', '/admin/v1/revocations', body);
    if (revoked.status !== 200) throw new Error(`manual revocation answered ${revoked.status}: ${await revoked.text()} for ${JSON.stringify(body)}`);
    expect(revoked.headers.get('cache-control')).toBe('no-store');
    await expect(revoked.json()).resolves.toMatchObject({
      subject: body.subject,
      action: 'revoke',
      actor: 'operator:interim-key',
      alertId: alert.id,
    });
    await expect(call('POST', '/admin/v1/revocations', body).then(inner)).resolves.toEqual({ status: 409, code: 'AlreadyRevokedForAlert' });
  }, 60_000);

  it('stops cleanly while the console holds the alert stream open', async () => {
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    // A second stream, read by nobody after its start: a client that hangs on must not hold the shutdown up either.
    const hanging = await fetch(`${detector?.url}/admin/v1/alerts/stream`, { headers: { authorization: `Bearer ${operatorKey}` } });
    const reader = hanging.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': live')) text += (await reader?.read())?.value ?? '';
    const stopping = detector;
    detector = undefined;
    const code = await stopping?.stop();
    if (code !== 0) process.stderr.write(`detector exited ${code}; its last output:\n${stopping?.logs().slice(-4000)}\n`);
    expect(code).toBe(0);
    // The server ended the stream (the feed closes every stream on shutdown) rather than cutting it.
    for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) text += chunk.value;
  }, 60_000);

  it('says the live alerts stopped for a restart, keeps reconnecting, and is live again once the detector is back', async () => {
    // Continues the previous test: the detector stopped, and ended the page's stream with `shutdown`.
    const requests = streamRequestsOf(page);
    await page.locator('[data-testid="connection"][data-state="reconnecting"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await expect(testId('stream-status').textContent()).resolves.toContain('the detector is restarting or shutting down');

    // A transient end: the page keeps trying, every retry interval, and keeps saying why while nothing answers.
    await eventually(() => requests.length >= 2, { timeoutMs: 2 * QUIET_MS, what: 'two reconnection attempts' });
    await expect(testId('stream-status').textContent()).resolves.toContain('restarting');

    // The detector back where the page left it (same port, same operator key): the page is live again without a reload.
    detector = await AbuseDetectorProcess.start({
      LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: operatorKey,
      LATCHKEY_ABUSE_DETECTOR_PORT: new URL(page.url()).port,
    });
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await expect(testId('stream-status').isHidden()).resolves.toBe(true);
    await expect(testId('console').isVisible()).resolves.toBe(true);
  }, 120_000);
});

/**
 * The end of the live alerts as the operator sees it, in the browser: the detector runs in process with its RBAC guard
 * against a stand-in exchange (its JWKS) and a stand-in decision API, as console-stream.integration-spec.ts runs it (which
 * checks the server's `event: end`); here a console signed in with an operator token watches its stream end, says why,
 * and does not reconnect when reconnecting could only be refused.
 */
describeWithBrowser('security-operations console: the end of the live alerts, in the browser', () => {
  const contexts: BrowserContext[] = [];
  let access: OperatorAccess;
  let kafka: OwnKafka;
  let service: ServiceUnderTest;
  let browser: Browser;

  beforeAll(async () => {
    access = await OperatorAccess.start({ exchangeIssuer: `https://exchange.console-${run}.test` });
    kafka = await useOwnKafka();
    service = await startServiceUnderTest('abuse-detector', AbuseDetectorModule, {
      env: { LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: `lk_op_${randomBytes(32).toString('base64url')}`, ...access.detectorEnv },
    });
    // Handed over once /readyz, which waits for the revocation topic, says so: an operator token passes from the first request.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await kafka?.stop();
    await access?.stop();
  });

  /** A new tab (its own session storage) signed in with `token`, its stream live, counting its requests to the stream. */
  const signedIn = async (token: string) => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const requests = streamRequestsOf(page);
    await page.goto(`${service.handle.url}/console`);
    await page.locator('[data-testid="operator-key"]').fill(token);
    await page.locator('[data-testid="connect"]').click();
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    return { page, requests, connected: requests.length, testId: (id: string) => page.locator(`[data-testid="${id}"]`) };
  };

  it('asks for a new token, saying it expired, when the stream ends at the token’s expiry, and does not reconnect', async () => {
    const { token, exp } = await access.operatorToken(access.anOperator(), 15_000);
    const { page, requests, connected, testId } = await signedIn(token);

    await testId('login-error')
      .filter({ hasText: 'the operator token expired' })
      .waitFor({ timeout: exp * 1000 - Date.now() + END_WITHIN_MS });

    await expect(testId('login-error').textContent()).resolves.toBe(
      'The live alerts stopped: the operator token expired. Sign in again with a new token.',
    );
    await expect(testId('login').isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-testid="connection"][data-state="offline"]').count()).resolves.toBe(1);
    await expectNoReconnection(requests, connected);
    expect(JSON.stringify(service.logs)).not.toContain(token);
  }, 90_000);

  it('asks for a new token, saying it was revoked, when the operator’s person is revoked, and does not reconnect', async () => {
    const personId = access.anOperator();
    const { testId, requests, connected } = await signedIn((await access.operatorToken(personId, 3_600_000)).token);

    await service.bus.publish(AccessRevocationV1, access.revocationOf(personId));

    await testId('login-error').filter({ hasText: 'the operator token was revoked' }).waitFor({ timeout: END_WITHIN_MS });
    await expect(testId('login').isVisible()).resolves.toBe(true);
    await expectNoReconnection(requests, connected);
  }, 90_000);

  it('keeps the alerts on screen and says which permission is missing and what to do, without reconnecting, once it is removed', async () => {
    const personId = access.anOperator();
    const { page, testId, requests, connected } = await signedIn((await access.operatorToken(personId, 3_600_000)).token);

    access.removePermission(personId);

    await page.locator('[data-testid="connection"][data-state="offline"]').waitFor({ timeout: END_WITHIN_MS });
    const status = testId('stream-status');
    await expect(status.isVisible()).resolves.toBe(true);
    await expect(status.textContent()).resolves.toContain('does not have the permission abuse.alerts:read');
    await expect(status.textContent()).resolves.toContain('sign in again');
    await expect(testId('console').isVisible()).resolves.toBe(true);
    await expectNoReconnection(requests, connected);
    await expect(status.isVisible()).resolves.toBe(true);
  }, 90_000);
});
