import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';
import { deriveServiceKey } from '@latchkey/access-guards';
import { AccessRevocationV1, ADMIN_SCOPE, DEFAULT_ADMIN_AUDIENCE } from '@latchkey/contracts';
import { innerErrorCode, startServiceUnderTest, useOwnKafka, type OwnKafka, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateSigningKey, KeyRing, signInternalAccessToken, type SigningKey } from '@latchkey/tokens';

const run = randomUUID().slice(0, 8);
const EXCHANGE = `https://exchange.stream-${run}.test`;
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
/** The abuse detector's own key towards the rbac service (a stand-in decision API here). */
const DECISION_KEY = deriveServiceKey(randomBytes(32), 'abuse-detector');
const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
const PERMISSION = 'abuse.alerts:read';
/** The stream re-checks every 5 s (STREAM_RECHECK_MS): a refusal ends it well within this. */
const END_WITHIN_MS = 20_000;

/** The rbac service's decision API as the guard calls it (and its endpoint registry beside it): allows what `allowed` holds. */
class FakeDecisionApi {
  readonly allowed = new Set<string>();
  /** Decisions asked, per `<kind>:<id>`. */
  readonly asked = new Map<string, number>();
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((raw) => {
        if (req.method === 'PUT') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"changed":true,"permissionsAdded":[]}');
          return;
        }
        const body = JSON.parse(raw) as { subject: { kind: string; id: string }; permission: string };
        const who = `${body.subject.kind}:${body.subject.id}`;
        this.asked.set(who, (this.asked.get(who) ?? 0) + 1);
        const allow = this.allowed.has(`${body.subject.kind}:${body.subject.id}:${body.permission}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ decision: allow ? 'allow' : 'deny', reason: 'test' }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/rbac/v1/decisions`;
  }

  stop(): Promise<void> {
    return new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => resolve(raw));
  });
}

/** An open stream, read in the background: everything it sent so far, and when the server ended it. */
interface OpenStream {
  readonly status: number;
  text: string;
  endedAt: number | undefined;
  readonly done: Promise<void>;
  abort(): void;
}

/**
 * Operators' streams are authorized at connection; they must not outlive the credential. The detector runs with the
 * RBAC guard against a stand-in exchange (its JWKS over HTTP) and a stand-in decision API (decisions not cached, so
 * a removed role shows at the next re-check without waiting for `rbac.changed`), a Kafka broker of its own and
 * PostgreSQL.
 */
describeWithInfrastructure('abuse-detector alert stream: ends when the operator’s credential stops being valid (real Kafka, real PostgreSQL)', () => {
  let kafka: OwnKafka;
  let service: ServiceUnderTest;
  let jwks: Server;
  let exchangeKey: SigningKey;
  const decisions = new FakeDecisionApi();
  const streams: OpenStream[] = [];

  beforeAll(async () => {
    exchangeKey = await generateSigningKey('ES256');
    const published = JSON.stringify(new KeyRing([{ key: exchangeKey, status: 'active' }]).publicJwks());
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(published));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    kafka = await useOwnKafka();
    service = await startServiceUnderTest('abuse-detector', AbuseDetectorModule, {
      env: {
        LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: OPERATOR_KEY,
        LATCHKEY_RBAC_EXCHANGE_ISSUER: EXCHANGE,
        LATCHKEY_RBAC_EXCHANGE_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
        LATCHKEY_RBAC_DECISION_URL: await decisions.start(),
        LATCHKEY_ABUSE_DETECTOR_RBAC_KEY: DECISION_KEY,
        LATCHKEY_RBAC_DECISION_CACHE_TTL_MS: '0',
      },
    });
  }, 120_000);

  afterAll(async () => {
    for (const stream of streams) stream.abort();
    await service?.stop();
    await kafka?.stop();
    await decisions.stop();
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
  });

  /** An operator token of the exchange for the admin API, valid for `lifetimeMs`, whose person `allowed` decides. */
  const operatorToken = async (personId: string, lifetimeMs = 3_600_000) => {
    const now = new Date();
    const signed = await signInternalAccessToken(
      {
        issuer: EXCHANGE,
        audience: DEFAULT_ADMIN_AUDIENCE,
        personId,
        clientId: 'latchkey-console',
        scopes: [ADMIN_SCOPE],
        tenantId: TENANT,
        objectId: randomUUID(),
        now,
        expiresAt: new Date(now.getTime() + lifetimeMs),
      },
      exchangeKey,
    );
    return { token: signed.token, exp: signed.claims.exp };
  };
  const anOperator = () => {
    const personId = `person-${randomUUID()}`;
    decisions.allowed.add(`person:${personId}:${PERMISSION}`);
    return personId;
  };

  /** Opens the stream and reads it in the background until the server ends it. */
  const openStream = async (bearer: string, path = '/admin/v1/alerts/stream'): Promise<OpenStream> => {
    const controller = new AbortController();
    const response = await fetch(`${service.handle.url}${path}`, { headers: { authorization: `Bearer ${bearer}` }, signal: controller.signal });
    const stream: OpenStream = {
      status: response.status,
      text: '',
      endedAt: undefined,
      done: Promise.resolve(),
      abort: () => controller.abort(),
    };
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    (stream as { done: Promise<void> }).done = (async () => {
      try {
        for (;;) {
          const chunk = await reader?.read();
          if (chunk === undefined || chunk.done) break;
          stream.text += chunk.value;
        }
        stream.endedAt = Date.now();
      } catch {
        // aborted by the test
      }
    })();
    streams.push(stream);
    return stream;
  };
  const live = (stream: OpenStream) => eventually(() => stream.text.includes(': live'), { timeoutMs: 15_000, what: 'the stream live' });
  const endOf = (stream: OpenStream) => /event: end\ndata: (.*)\n\n/.exec(stream.text)?.[1];

  it('refuses an unknown query parameter 400, before streaming, like every other admin route', async () => {
    const answer = await service.handle.app.inject({
      method: 'GET',
      url: '/admin/v1/alerts/stream?x=1',
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });

    expect({ status: answer.statusCode, inner: innerErrorCode(answer.body) }).toEqual({ status: 400, inner: 'InvalidAdminRequest' });
  });

  it('ends an open stream with `event: end` once the operator’s permission is removed; a new connection is then refused 403', async () => {
    const personId = anOperator();
    const { token } = await operatorToken(personId);
    // The revocation feed must have loaded before any operator token passes: wait for a first admitted stream.
    let stream: OpenStream | undefined;
    await eventually(
      async () => {
        const attempt = await openStream(token);
        if (attempt.status === 200) stream = attempt;
        else attempt.abort();
        return attempt.status === 200;
      },
      { timeoutMs: 45_000, what: 'an operator token admitted' },
    );
    const open = stream as OpenStream;
    await live(open);

    decisions.allowed.delete(`person:${personId}:${PERMISSION}`);
    const removedAt = Date.now();

    await eventually(() => open.endedAt !== undefined, { timeoutMs: END_WITHIN_MS, what: 'the stream ended by the server' });
    expect(JSON.parse(endOf(open) ?? 'null')).toEqual({ reason: 'permission-missing' });
    expect((open.endedAt ?? Infinity) - removedAt).toBeLessThan(END_WITHIN_MS);
    const again = await fetch(`${service.handle.url}/admin/v1/alerts/stream`, { headers: { authorization: `Bearer ${token}` } });
    expect({ status: again.status, inner: innerErrorCode(await again.text()) }).toEqual({ status: 403, inner: 'PermissionMissing' });
  });

  it('ends an open stream at the operator token’s expiry', async () => {
    const { token, exp } = await operatorToken(anOperator(), 8_000);
    const stream = await openStream(token);
    expect(stream.status).toBe(200);
    await live(stream);

    await eventually(() => stream.endedAt !== undefined, { timeoutMs: END_WITHIN_MS, what: 'the stream ended at the expiry' });

    expect(JSON.parse(endOf(stream) ?? 'null')).toEqual({ reason: 'credential-expired' });
    // At `exp` itself, not when the verifier's clock tolerance would first refuse the token.
    expect(stream.endedAt).toBeGreaterThanOrEqual(exp * 1000 - 100);
    expect(stream.endedAt).toBeLessThan(exp * 1000 + 2_000);
  });

  it('ends an open stream when the operator’s person is revoked on access.revocation', async () => {
    const personId = anOperator();
    const { token } = await operatorToken(personId);
    const stream = await openStream(token);
    expect(stream.status).toBe(200);
    await live(stream);

    await service.bus.publish(AccessRevocationV1, {
      subject: { kind: 'person', personId },
      notBefore: new Date().toISOString(),
      action: 'revoke',
      reason: 'ADMIN.MANUAL',
      alertId: null,
      actor: 'test',
    });

    await eventually(() => stream.endedAt !== undefined, { timeoutMs: END_WITHIN_MS, what: 'the stream ended on the revocation' });
    expect(JSON.parse(endOf(stream) ?? 'null')).toEqual({ reason: 'credential-revoked' });
  });

  it('keeps the stream of an operator whose credential stays valid open across re-checks', async () => {
    const personId = anOperator();
    const stream = await openStream((await operatorToken(personId)).token);
    expect(stream.status).toBe(200);
    await live(stream);

    // The connection's decision, then two re-checks (every 5 s), each asking the decision API (not cached here).
    await eventually(() => (decisions.asked.get(`person:${personId}`) ?? 0) >= 3, { timeoutMs: END_WITHIN_MS, what: 'two re-checks' });

    expect({ ended: stream.endedAt, end: endOf(stream) }).toEqual({ ended: undefined, end: undefined });
  });
});
