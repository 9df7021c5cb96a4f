import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeServiceKeySecret, deriveServiceKey } from '@latchkey/access-guards';
import { eventually, scrapeMetrics } from '@latchkey/testing';
import { operatorToken, readDemoCredentials } from '../src/operator-token';

const ROOT = resolve(__dirname, '../../..');
const SERVICES = ['audit', 'abuse-detector', 'rbac', 'testapi', 'issuer', 'face-api', 'exchange'];
// Ports of their own, so the test never meets an `npm start` a developer left running; below the ephemeral range
// (32768–60999 on Linux), where an outgoing connection of a suite running beside it can hold one.
const PORTS: Record<string, number> = {
  issuer: 23101,
  'face-api': 23102,
  exchange: 23103,
  rbac: 23104,
  audit: 23105,
  'abuse-detector': 23106,
  testapi: 23108,
};
const DEV_IDP_PORT = 23107;
/** The ready lines' bound (20 s, asserted by the first test) plus the seed after them, which a loaded runner stretches. */
const WELCOME_TIMEOUT_MS = 30000;
const DEV_IDP_NOTICE = 'DEVELOPMENT IDENTITY PROVIDER — not Microsoft Entra ID, for local use only';
const ADMIN_AUDIENCE = 'api://latchkey-admin';
const ADMIN_SCOPE = 'latchkey.admin';

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `npm start`'s entry point exactly as the npm script does, on the embedded defaults. */
function start(dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, LATCHKEY_DATA_DIR: dataDir, LATCHKEY_STANDALONE_DEV_IDP_PORT: String(DEV_IDP_PORT), ...extraEnv };
  for (const name of [
    'DATABASE_URL',
    'KAFKA_BROKERS',
    'LATCHKEY_EXCHANGE_ENTRA_TENANTS',
    'LATCHKEY_EXCHANGE_ENTRA_AUDIENCES',
    'LATCHKEY_EXCHANGE_UPSTREAMS',
    'LATCHKEY_EXCHANGE_URL',
    'LATCHKEY_RBAC_EXCHANGE_ISSUER',
    'LATCHKEY_RBAC_DECISION_URL',
    'LATCHKEY_RBAC_AUDIENCE',
  ]) {
    delete env[name];
  }
  for (const [name, port] of Object.entries(PORTS)) env[`LATCHKEY_${name.toUpperCase().replace('-', '_')}_PORT`] = String(port);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/standalone/src/main.ts'], { cwd: ROOT, env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

function readyLines(output: string): string[] {
  return output.split('\n').filter((l) => / ready on http:\/\/127\.0\.0\.1:\d+$/.test(l));
}

type Jwks = { keys: (JsonWebKey & { kid?: string })[] };

/** A compact JWS's header and claims, and whether one of the JWKS's keys verifies it (ES256 or EdDSA). */
function verifyJws(token: string, jwks: Jwks) {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  const head = decode(header);
  const jwk = jwks.keys.find((k) => k.kid === head.kid);
  const valid =
    jwk !== undefined &&
    verify(
      head.alg === 'ES256' ? 'sha256' : null,
      Buffer.from(`${header}.${payload}`),
      { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
  return { header: head, claims: decode(payload), valid };
}

/** `npm run -s operator-token -- --data-dir <dataDir>`, as a person runs it (tsx, from the repository root). */
function operatorTokenScript(dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), 'tools/scripts/operator-token.ts', '--data-dir', dataDir],
      { cwd: ROOT, env: { ...process.env, LATCHKEY_DATA_DIR: '' } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** An RFC 8693 exchange of a fresh token of the development identity provider; the answer's status and body. */
async function exchangeDevToken(
  credentials: { services: Record<string, string>; devIdentityProvider: { tokenEndpoint: string } },
  client: { clientId: string; clientSecret: string },
  request: { scope: string; audience?: string },
): Promise<{ status: number; accessToken: string; error?: string }> {
  const minted = (await (await fetch(credentials.devIdentityProvider.tokenEndpoint, { method: 'POST' })).json()) as { access_token: string };
  const response = await fetch(`${credentials.services['exchange']}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: minted.access_token,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      ...request,
    }),
  });
  const body = (await response.json()) as { access_token: string; error?: string };
  return { status: response.status, accessToken: body.access_token, ...(body.error === undefined ? {} : { error: body.error }) };
}

/** GET (or another method) with a bearer credential: the status and the `innererror.code` of a refusal. */
async function call(url: string, bearer: string, method = 'GET'): Promise<{ status: number; code?: string; body: unknown }> {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${bearer}` } });
  const body = response.status === 204 ? undefined : ((await response.json()) as { error?: { innererror?: { code?: string } } });
  return { status: response.status, code: body?.error?.innererror?.code, body };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

async function stopWithCtrlC(run: Run): Promise<{ code: number | null; ms: number }> {
  const began = Date.now();
  run.child.kill('SIGINT');
  const code = await run.exited;
  if (code !== 0) process.stderr.write(`npm start exited ${code} on Ctrl-C; its last output:\n${run.output().slice(-3000)}\n`);
  return { code, ms: Date.now() - began };
}

describe('npm start (standalone, embedded defaults)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-standalone-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints seven ready lines within 20 s, answers /readyz, seeds credentials, and stops on Ctrl-C within 5 s', async () => {
    const run = start(dataDir);
    const began = Date.now();
    try {
      await eventually(() => readyLines(run.output()).length === 7, { timeoutMs: 20000, intervalMs: 100, what: 'seven ready lines' });
      expect(Date.now() - began).toBeLessThan(20000);
      expect(readyLines(run.output()).map((l) => l.split(' ')[0])).toEqual(SERVICES);
      for (const [name, port] of Object.entries(PORTS)) {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect({ name, status: response.status }).toEqual({ name, status: 200 });
      }
      const path = join(dataDir, 'demo-credentials.json');
      await eventually(() => stat(path), { timeoutMs: 10000, what: 'credentials file' });
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const credentials = JSON.parse(await readFile(path, 'utf8'));
      expect(credentials.isv.subscriptionKey).toMatch(/^lk_isv_/);
      expect(credentials.client.subscriptionKey).toMatch(/^lk_cli_/);
      expect(credentials.client.resourceId).toMatch(/^\/subscriptions\//);
      expect(credentials.operator).toEqual({
        personId: expect.stringMatching(/^p_/),
        tenantId: credentials.devIdentityProvider.tenantId,
        objectId: credentials.devIdentityProvider.userObjectId,
        roles: ['platform-operator'],
        clientId: 'latchkey-operator-console',
        clientSecret: expect.stringMatching(/^lk_app_/),
        audience: ADMIN_AUDIENCE,
        scope: ADMIN_SCOPE,
      });
      expect(credentials.operatorRoles).toEqual(['platform-operator', 'security-operator', 'auditor']);
      expect(credentials.oauthApplication.scopes).toEqual(['testapi.read', 'testapi.write']);
      expect(credentials.sampleApi).toEqual({
        gatewayUrl: `http://127.0.0.1:${PORTS['exchange']}/api/services/v1/testapi`,
        role: 'testapi-user',
        permissions: ['testapi:read', 'testapi:write'],
        holder: credentials.operator.personId,
      });
      expect(credentials.services.testapi).toBe(`http://127.0.0.1:${PORTS['testapi']}`);
      expect(run.output()).toContain('TOKEN=$(npm run -s operator-token -- --data-dir ');
      expect(credentials.services.issuer).toBe(`http://127.0.0.1:${PORTS['issuer']}`);
      expect(run.output()).toContain(`development identity provider on http://127.0.0.1:${DEV_IDP_PORT} (${DEV_IDP_NOTICE})`);
      expect(credentials.devIdentityProvider).toMatchObject({
        notice: DEV_IDP_NOTICE,
        tokenEndpoint: `http://127.0.0.1:${DEV_IDP_PORT}/dev-idp/token`,
      });
    } finally {
      const { code, ms } = await stopWithCtrlC(run);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
    }
  }, 60000);

  it('exchanges a token of the development identity provider for an at+jwt, at /oauth2/token and through the gateway', async () => {
    const path = join(dataDir, 'demo-credentials.json');
    const run = start(dataDir);
    try {
      await eventually(() => run.output().includes('Press Ctrl-C'), { timeoutMs: WELCOME_TIMEOUT_MS, what: 'welcome text' });
      const credentials = JSON.parse(await readFile(path, 'utf8'));
      const exchange = credentials.services.exchange as string;
      const app = credentials.oauthApplication as { clientId: string; clientSecret: string; scopes: string[] };
      expect(app.clientSecret).toMatch(/^lk_app_/);

      const minted = await fetch(credentials.devIdentityProvider.tokenEndpoint, { method: 'POST' });
      expect(minted.status).toBe(200);
      const entraToken = ((await minted.json()) as { access_token: string }).access_token;
      const entraClaims = JSON.parse(Buffer.from(entraToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
      expect(entraClaims).toMatchObject({ iss: `https://login.microsoftonline.com/${credentials.devIdentityProvider.tenantId}/v2.0`, ver: '2.0' });

      const exchanged = await fetch(`${exchange}/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: entraToken,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          scope: app.scopes[0] ?? '',
        }),
      });
      const body = (await exchanged.json()) as { access_token: string; token_type: string; scope: string };
      expect({ status: exchanged.status, tokenType: body.token_type, scope: body.scope }).toEqual({
        status: 200,
        tokenType: 'Bearer',
        scope: app.scopes[0],
      });
      const jwks = (await (await fetch(`${exchange}/.well-known/jwks.json`)).json()) as Jwks;
      const internal = verifyJws(body.access_token, jwks);
      expect(internal.valid).toBe(true);
      expect(internal.header.typ).toBe('at+jwt');
      const metadata = (await (await fetch(`${exchange}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
      expect(internal.claims).toMatchObject({
        iss: metadata.issuer,
        client_id: app.clientId,
        tid: credentials.devIdentityProvider.tenantId,
        oid: credentials.devIdentityProvider.userObjectId,
      });

      // Gateway mode, the whole chain: the same Entra token, exchanged by the gateway for an internal token of the sample
      // API's audience and forwarded to the testapi, whose RbacGuard checks the scope and asks the rbac service for the
      // permission (the demo user holds testapi-user). Its guard loads the exchange's keys in the background once the
      // exchange is up: until then it answers 503.
      const personId = credentials.operator.personId as string;
      const gateway = (method: 'GET' | 'POST', scope: string) =>
        fetch(method === 'GET' ? `${credentials.sampleApi.gatewayUrl}?greeting=hello` : credentials.sampleApi.gatewayUrl, {
          method,
          headers: {
            authorization: `Bearer ${entraToken}`,
            scope,
            client_id: app.clientId,
            ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          ...(method === 'POST' ? { body: 'name=John&role=admin' } : {}),
        });
      const read = await eventually(
        async () => {
          const response = await gateway('GET', 'testapi.read');
          if (response.status !== 503) return response;
          await response.arrayBuffer();
          return false;
        },
        { timeoutMs: 30000, what: 'testapi guard ready' },
      );
      const caller = {
        personId,
        subject: { kind: 'person', id: personId },
        clientId: app.clientId,
        tenantId: credentials.devIdentityProvider.tenantId,
      };
      expect({ status: read.status, body: await read.json() }).toEqual({
        status: 200,
        body: { ...caller, scopes: ['testapi.read'], method: 'GET', fields: { greeting: 'hello' } },
      });
      const written = await gateway('POST', 'testapi.write');
      expect({ status: written.status, body: await written.json() }).toEqual({
        status: 200,
        body: { ...caller, scopes: ['testapi.write'], method: 'POST', fields: { name: 'John', role: 'admin' } },
      });
      // A token without testapi.write does not reach POST: the scope is checked before the permission.
      const refused = await gateway('POST', 'testapi.read');
      const refusal = (await refused.json()) as { error?: { innererror?: { code?: string } } };
      expect({ status: refused.status, code: refusal.error?.innererror?.code }).toEqual({ status: 403, code: 'ScopeMissing' });

      // Every service's /metrics parses as Prometheus text. All services share this process's meter provider, so
      // each shows what the exchanges and the sample API's RBAC checks above recorded, and the outboxes and consumers.
      const scrapes = await Promise.all(SERVICES.map(async (name) => ({ name, scrape: await scrapeMetrics(credentials.services[name] as string) })));
      for (const { name, scrape } of scrapes) {
        const seen = {
          name,
          exchanged: scrape.total('latchkey_exchange_duration_count', { mode: 'token-endpoint', outcome: 'exchanged' }) >= 1,
          gateway: scrape.total('latchkey_exchange_duration_count', { mode: 'gateway', outcome: 'exchanged' }) >= 3,
          allowed: scrape.total('latchkey_rbac_decisions_total', { decision: 'allow' }) >= 2,
          scopeDenied: scrape.total('latchkey_rbac_decisions_total', { decision: 'deny', reason: 'missing-scope' }) >= 1,
          outboxes: scrape.samples('latchkey_outbox_backlog').length >= 1,
          consumers: scrape.samples('latchkey_consumer_lag').length >= 1,
        };
        expect(seen).toEqual({ name, exchanged: true, gateway: true, allowed: true, scopeDenied: true, outboxes: true, consumers: true });
        // No label names a person, an application's secret or a token.
        for (const secret of [app.clientSecret, entraToken, body.access_token, personId]) expect(scrape.text.includes(secret)).toBe(false);
      }
    } finally {
      const { code } = await stopWithCtrlC(run);
      expect(code).toBe(0);
    }
  }, 60000);

  it('gets the demo operator a token with `npm run operator-token` that opens the admin APIs by role, and refuses other tokens', async () => {
    const run = start(dataDir);
    try {
      await eventually(() => run.output().includes('Press Ctrl-C'), { timeoutMs: WELCOME_TIMEOUT_MS, what: 'welcome text' });
      const credentials = JSON.parse(await readFile(join(dataDir, 'demo-credentials.json'), 'utf8'));
      const { issuer, audit, rbac } = credentials.services as Record<string, string>;
      const operator = credentials.operator as { personId: string; clientId: string; clientSecret: string };

      // The command prints the token and nothing else, so that TOKEN=$(npm run -s operator-token) works.
      const script = await operatorTokenScript(dataDir);
      expect({ code: script.code, stderr: script.stderr }).toEqual({ code: 0, stderr: '' });
      expect(script.stdout).toMatch(/^eyJ[\w-]*\.[\w-]+\.[\w-]+\n$/);
      const token = script.stdout.trim();
      expect(claimsOf(token)).toMatchObject({ aud: ADMIN_AUDIENCE, scope: ADMIN_SCOPE, sub: operator.personId, client_id: operator.clientId });
      // The function the command runs, for a test's own use.
      expect(claimsOf(await operatorToken(await readDemoCredentials(dataDir)))).toMatchObject({ aud: ADMIN_AUDIENCE, sub: operator.personId });

      // The guards load the exchange's keys in the background once it is up: until then they answer 503.
      await eventually(async () => (await call(`${issuer}/admin/v1/isvs`, token)).status !== 503, { timeoutMs: 30000, what: 'issuer guard ready' });
      const isvs = await call(`${issuer}/admin/v1/isvs`, token);
      expect(isvs.status).toBe(200);
      expect(isvs.body).toMatchObject({ isvs: expect.arrayContaining([expect.objectContaining({ id: credentials.isv.id })]) });
      await eventually(async () => (await call(`${audit}/admin/v1/audit/events?limit=1`, token)).status === 200, {
        timeoutMs: 30000,
        what: 'audit admin API with the operator token',
      });
      const subjects = await call(`${rbac}/admin/v1/subjects?kind=person`, token);
      expect(subjects.status).toBe(200);
      expect(subjects.body).toMatchObject({
        subjects: expect.arrayContaining([
          expect.objectContaining({
            id: operator.personId,
            assignments: expect.arrayContaining([
              { roleId: 'platform-operator', tenantId: null },
              { roleId: 'testapi-user', tenantId: null },
            ]),
          }),
        ]),
      });

      // The admin scope for an upstream API's audience, and an upstream API's scope for the admin audience, are never
      // minted: a scope belongs to one audience (the exchange answers invalid_target before any service has to refuse).
      const consoleApp = { clientId: operator.clientId, clientSecret: operator.clientSecret };
      const otherAudience = await exchangeDevToken(credentials, consoleApp, { scope: ADMIN_SCOPE, audience: 'api://latchkey-testapi' });
      expect({ status: otherAudience.status, error: otherAudience.error }).toEqual({ status: 400, error: 'invalid_target' });
      const noScope = await exchangeDevToken(credentials, credentials.oauthApplication, {
        scope: credentials.oauthApplication.scopes[0],
        audience: ADMIN_AUDIENCE,
      });
      expect({ status: noScope.status, error: noScope.error }).toEqual({ status: 400, error: 'invalid_target' });

      // The only administrator cannot give platform-operator up (docs/RBAC.md "The last administrator"). Once a role that
      // keeps RBAC administration is theirs too, they can: the same token is then refused by the other services' admin
      // APIs, and the break-glass key gives the role back.
      const assignment = `${rbac}/admin/v1/subjects/person/${operator.personId}/assignments/platform-operator`;
      expect(await call(assignment, token, 'DELETE')).toMatchObject({ status: 409, code: 'LastPolicyAdministrator' });
      const keeper = await fetch(`${rbac}/admin/v1/roles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'rbac-administrator', permissions: ['rbac.policy:read', 'rbac.policy:write'] }),
      });
      expect(keeper.status).toBe(201);
      expect((await call(`${rbac}/admin/v1/subjects/person/${operator.personId}/assignments/rbac-administrator`, token, 'PUT')).status).toBe(200);
      expect((await call(assignment, token, 'DELETE')).status).toBe(204);
      await eventually(async () => (await call(`${issuer}/admin/v1/isvs`, token)).status === 403, { timeoutMs: 10000, what: 'role removal seen' });
      expect(await call(`${audit}/admin/v1/audit/events?limit=1`, token)).toMatchObject({ status: 403, code: 'PermissionMissing' });
      // Each service's own key towards the rbac service (derived from the secret under .data/secrets) asks for
      // decisions and registers its own endpoints, and opens nothing else: not the admin API, not another's list.
      const serviceKeySecret = decodeServiceKeySecret((await readFile(join(dataDir, 'secrets', 'rbac-service-key-secret'), 'utf8')).trim());
      const testapiKey = deriveServiceKey(serviceKeySecret, 'testapi');
      expect(await call(assignment, testapiKey, 'PUT')).toMatchObject({ status: 401, code: 'OperatorCredentialInvalid' });
      const asTestapi = (path: string, method: string, body: unknown) =>
        fetch(`${rbac}${path}`, {
          method,
          headers: { authorization: `Bearer ${testapiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect(
        (await asTestapi('/rbac/v1/decisions', 'POST', { subject: { kind: 'person', id: operator.personId }, permission: 'testapi:read' })).status,
      ).toBe(200);
      expect((await asTestapi('/rbac/v1/endpoints/issuer', 'PUT', [])).status).toBe(403);
      const breakGlass = (await readFile(join(dataDir, 'secrets', 'rbac-operator-key'), 'utf8')).trim();
      expect(breakGlass).not.toBe(testapiKey);
      expect((await call(assignment, breakGlass, 'PUT')).status).toBe(200);
      await eventually(async () => (await call(`${issuer}/admin/v1/isvs`, token)).status === 200, { timeoutMs: 10000, what: 'role restored' });
    } finally {
      const { code } = await stopWithCtrlC(run);
      expect(code).toBe(0);
    }
  }, 120000);

  it('keeps the seeded data across a restart, and starts no development identity provider when LATCHKEY_STANDALONE_DEV_IDP=false', async () => {
    const path = join(dataDir, 'demo-credentials.json');
    const first = JSON.parse(await readFile(path, 'utf8'));
    const run = start(dataDir, { LATCHKEY_STANDALONE_DEV_IDP: 'false' });
    try {
      await eventually(() => run.output().includes('created on an earlier start'), { timeoutMs: WELCOME_TIMEOUT_MS, what: 'second start seeded' });
      const second = JSON.parse(await readFile(path, 'utf8'));
      expect(second.isv).toEqual(first.isv);
      expect(second.client).toEqual(first.client);
      expect(second.devIdentityProvider).toBeNull();
      // No demo user: the roles only, the operator console with its secret kept, and how a person gets a role.
      expect(second.operator).toEqual({ ...first.operator, personId: null, tenantId: null, objectId: null, roles: [] });
      expect(second.operatorRoles).toEqual(first.operatorRoles);
      expect(second.sampleApi).toEqual({ ...first.sampleApi, holder: null });
      expect(run.output()).toContain(`${first.services.rbac}/admin/v1/subjects/person/<person id>/assignments/platform-operator`);
      const script = await operatorTokenScript(dataDir);
      expect({ code: script.code, stdout: script.stdout }).toEqual({ code: 1, stdout: '' });
      expect(script.stderr).toContain('no development identity provider');
      expect(run.output()).not.toContain(DEV_IDP_NOTICE);
      await expect(fetch(`http://127.0.0.1:${DEV_IDP_PORT}/dev-idp/token`, { method: 'POST' })).rejects.toThrow();
    } finally {
      const { code } = await stopWithCtrlC(run);
      expect(code).toBe(0);
    }
  }, 60000);
});
