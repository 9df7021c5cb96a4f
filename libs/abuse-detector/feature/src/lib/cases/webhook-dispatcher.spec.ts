import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA, WebhookRepository } from '@latchkey/abuse-detector/data-access';
import type { ConfigOf } from '@latchkey/config';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import type { abuseCasesConfig } from './abuse-cases.config';
import { CASE_DEFAULTS } from './case-testing';
import { backoffMs, WebhookDispatcher } from './webhook-dispatcher';
import { failureOf, WebhookSender, type HostResolver } from './webhook-sender';

/** A resolver that knows no name (the tests that send to an address literal never ask it). */
const unresolvable: HostResolver = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));

/** A resolver answering `addresses` for every name, recording the names it was asked. */
function resolving(...addresses: string[]): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(resolve, { asked });
}

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A local HTTP server answering with `answer`, recording every request it receives. */
async function listen(answer: (res: ServerResponse) => void): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, server };
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

interface DeliveryRow extends Record<string, unknown> {
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  delivered_at: Date | null;
}

describe(WebhookDispatcher.name, () => {
  let db: Database;
  let webhooks: WebhookRepository;
  const servers: Server[] = [];
  /** Close to the real time: the receiver checks the signed timestamp against its own clock. */
  let now: Date;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    webhooks = new WebhookRepository(db);
  });

  afterAll(() => db.close());

  beforeEach(() => {
    now = new Date(Math.floor(Date.now() / 1000) * 1000);
  });

  afterEach(async () => {
    // Each test sees only its own deliveries.
    await db.query("UPDATE abuse_detector.webhook_deliveries SET status = 'failed' WHERE status = 'pending'");
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /**
   * A dispatcher sending through a real WebhookSender. Private networks are allowed unless said otherwise: most tests
   * deliver to a listener on 127.0.0.1, as development does. Host names resolve through `resolve` (none by default).
   */
  function dispatcher(config: Partial<ConfigOf<typeof abuseCasesConfig>> = {}, resolve: HostResolver = unresolvable): WebhookDispatcher {
    const settings = { ...CASE_DEFAULTS, LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: true, ...config };
    return new WebhookDispatcher(new WebhookRepository(db), settings, () => now, new WebhookSender(settings, resolve));
  }

  /** An ISV whose webhook is served by `answer` (at `url(port)` when given), with one delivery queued now. */
  async function queued(answer: (res: ServerResponse) => void, url?: (port: number) => string) {
    const target = await listen(answer);
    servers.push(target.server);
    const isvId = `isv-${randomUUID().slice(0, 8)}`;
    const secret = newSecret();
    const port = Number(new URL(target.url).port);
    await webhooks.set({ isvId, url: url?.(port) ?? target.url, secret, updatedAt: now, updatedBy: 'op' });
    const id = `msg_${randomUUID()}`;
    const body = JSON.stringify({ type: 'case.opened', timestamp: now.toISOString(), data: { caseId: 'c-1', isvId } });
    await db.transaction((tx) => webhooks.enqueue(tx, { id, isvId, caseId: `case-${randomUUID()}`, body, at: now }));
    return { ...target, isvId, secret, id, body };
  }

  const row = async (id: string) => {
    const [r] = await db.query<DeliveryRow>(
      'SELECT status, attempts, next_attempt_at, last_error, delivered_at FROM abuse_detector.webhook_deliveries WHERE id = $1',
      [id],
    );
    return r;
  };

  const answering =
    (status: number, headers: Record<string, string> = {}) =>
    (res: ServerResponse) => {
      res.writeHead(status, headers);
      res.end();
    };

  it('delivers on a 2xx, signed so that Standard Webhooks verifies it with the ISV’s secret', async () => {
    const target = await queued(answering(200));

    expect(await dispatcher().dispatchDue()).toBe(1);

    expect(await row(target.id)).toEqual({
      status: 'delivered',
      attempts: 1,
      next_attempt_at: expect.any(Date),
      last_error: null,
      delivered_at: now,
    });
    expect(target.received).toHaveLength(1);
    const [request] = target.received;
    expect(request).toMatchObject({ method: 'POST', url: '/hooks', body: target.body });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Latchkey-Webhooks/1',
      'webhook-id': target.id,
      'webhook-timestamp': String(now.getTime() / 1000),
    });
    expect(request?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const headers = request!.headers as Record<string, string>;
    expect(new Webhook(target.secret).verify(request!.body, headers)).toEqual(JSON.parse(target.body));
    expect(() => new Webhook(newSecret()).verify(request!.body, headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(target.secret).verify(request!.body.replace('c-1', 'c-2'), headers)).toThrow(WebhookVerificationError);
  });

  it('counts any 2xx as delivered (204)', async () => {
    const target = await queued(answering(204));

    expect(await dispatcher().dispatchDue()).toBe(1);

    expect((await row(target.id))?.status).toBe('delivered');
  });

  it('sends a delivered message once: the next poll finds nothing due', async () => {
    const target = await queued(answering(200));
    await dispatcher().dispatchDue();
    now = new Date(now.getTime() + 3_600_000);

    expect(await dispatcher().dispatchDue()).toBe(0);

    expect(target.received).toHaveLength(1);
  });

  it('keeps a delivery answered 500 pending, the next attempt after the backoff, then backs off twice as long', async () => {
    const target = await queued(answering(500));
    const sentAt = now;

    expect(await dispatcher().dispatchDue()).toBe(0);

    expect(await row(target.id)).toEqual({
      status: 'pending',
      attempts: 1,
      next_attempt_at: new Date(sentAt.getTime() + 5000),
      last_error: 'HTTP 500',
      delivered_at: null,
    });

    // Not before the backoff has passed...
    now = new Date(sentAt.getTime() + 4999);
    await dispatcher().dispatchDue();
    expect(target.received).toHaveLength(1);

    // ...then again, with the same webhook-id, and the next wait doubled.
    now = new Date(sentAt.getTime() + 5000);
    await dispatcher().dispatchDue();
    expect(target.received.map((r) => r.headers['webhook-id'])).toEqual([target.id, target.id]);
    expect(await row(target.id)).toMatchObject({
      status: 'pending',
      attempts: 2,
      next_attempt_at: new Date(now.getTime() + 10_000),
      last_error: 'HTTP 500',
    });
  });

  it('never follows a redirect: the target receives nothing, and the attempt failed', async () => {
    const elsewhere = await listen(answering(200));
    servers.push(elsewhere.server);
    const target = await queued(answering(302, { location: elsewhere.url }));

    expect(await dispatcher().dispatchDue()).toBe(0);

    expect(target.received).toHaveLength(1);
    expect(elsewhere.received).toEqual([]);
    expect(await row(target.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'HTTP 302',
      next_attempt_at: new Date(now.getTime() + 5000),
    });
  });

  it('marks the delivery failed after the last attempt', async () => {
    const target = await queued(answering(503));
    const d = dispatcher({ LATCHKEY_ABUSE_WEBHOOK_MAX_ATTEMPTS: 2 });

    await d.dispatchDue();
    expect((await row(target.id))?.status).toBe('pending');
    now = new Date(now.getTime() + 5000);
    await d.dispatchDue();

    expect(await row(target.id)).toMatchObject({ status: 'failed', attempts: 2, last_error: 'HTTP 503', delivered_at: null });
    now = new Date(now.getTime() + 3_600_000);
    await d.dispatchDue();
    expect(target.received).toHaveLength(2);
  });

  it('fails the attempt when the ISV does not answer in time', async () => {
    // The server takes the request and never answers.
    const target = await queued(() => undefined);
    const started = Date.now();

    expect(await dispatcher({ LATCHKEY_ABUSE_WEBHOOK_TIMEOUT_MS: 200 }).dispatchDue()).toBe(0);

    expect(Date.now() - started).toBeLessThan(5000);
    expect(target.received).toHaveLength(1);
    const after = await row(target.id);
    expect(after).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: new Date(now.getTime() + 5000), delivered_at: null });
    expect(after?.last_error).toBe('timeout');
  });

  it('fails the attempt when the connection is refused', async () => {
    const target = await queued(answering(200));
    target.server.closeAllConnections();
    await new Promise((resolve) => target.server.close(resolve));
    servers.splice(servers.indexOf(target.server), 1);

    expect(await dispatcher().dispatchDue()).toBe(0);

    expect(await row(target.id)).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: new Date(now.getTime() + 5000) });
    // The category only: the error's own text ("connect ECONNREFUSED 127.0.0.1:<port>") names the address and port.
    expect((await row(target.id))?.last_error).toBe('connection refused');
  });

  it('fails the delivery for good when the ISV’s webhook was removed, sending nothing', async () => {
    const target = await queued(answering(200));
    expect(await webhooks.remove(target.isvId)).toBe(true);

    expect(await dispatcher().dispatchDue()).toBe(0);

    expect(target.received).toEqual([]);
    expect(await row(target.id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'the ISV has no webhook any more' });
  });

  it('sends to the webhook’s current URL and secret', async () => {
    const target = await queued(answering(500));
    const moved = await listen(answering(200));
    servers.push(moved.server);
    const secret = newSecret();
    await webhooks.set({ isvId: target.isvId, url: moved.url, secret, updatedAt: now, updatedBy: 'op' });

    expect(await dispatcher().dispatchDue()).toBe(1);

    expect(target.received).toEqual([]);
    expect(new Webhook(secret).verify(moved.received[0]!.body, moved.received[0]!.headers as Record<string, string>)).toEqual(
      JSON.parse(target.body),
    );
  });

  describe('destinations (server-side request forgery)', () => {
    const strict = { LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: false };

    it('refuses a host name that resolves to loopback, sending nothing, and fails the delivery at once', async () => {
      const resolver = resolving('127.0.0.1');
      const target = await queued(answering(200), (port) => `https://isv.example:${port}/hooks`);

      expect(await dispatcher(strict, resolver).dispatchDue()).toBe(0);

      expect(resolver.asked).toEqual(['isv.example']);
      expect(target.received).toEqual([]);
      expect(await row(target.id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'destination not allowed', delivered_at: null });
    });

    it.each([
      ['the cloud metadata service', ['169.254.169.254']],
      ['a private address', ['10.0.0.5']],
      ['IPv6 loopback', ['::1']],
      ['IPv4-mapped loopback', ['::ffff:127.0.0.1']],
      ['one private address among public ones', ['93.184.216.34', '10.0.0.5']],
    ])('refuses a host name that resolves to %s', async (_case, addresses) => {
      const target = await queued(answering(200), (port) => `https://isv.example:${port}/hooks`);

      await dispatcher(strict, resolving(...addresses)).dispatchDue();

      expect(await row(target.id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'destination not allowed' });
    });

    it('refuses a stored URL naming loopback (set before the rules, or while private networks were allowed)', async () => {
      const resolver = resolving('93.184.216.34');
      const target = await queued(answering(200));

      expect(await dispatcher(strict, resolver).dispatchDue()).toBe(0);

      expect(target.received).toEqual([]);
      expect(resolver.asked).toEqual([]);
      expect(await row(target.id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'destination not allowed' });
    });

    it('connects to the address it resolved and checked, once per attempt, naming the host in the Host header', async () => {
      // A rebinding name: the first answer is the listener, any later one an unroutable address. Delivery, with the
      // resolver asked once, proves the connection went to the answer that was checked (the next test shows the socket
      // does not resolve the name itself).
      const asked: string[] = [];
      const rebinding: HostResolver = async (hostname) => {
        asked.push(hostname);
        return [{ address: asked.length === 1 ? '127.0.0.1' : '10.255.255.1', family: 4 }];
      };
      const target = await queued(answering(204), (port) => `http://hooks.localhost:${port}/hooks`);

      expect(await dispatcher({}, rebinding).dispatchDue()).toBe(1);

      expect(asked).toEqual(['hooks.localhost']);
      expect(target.received).toHaveLength(1);
      expect(target.received[0]?.headers.host).toMatch(/^hooks\.localhost:\d+$/);
    });

    it('retries when the name does not resolve', async () => {
      const target = await queued(answering(200), (port) => `https://isv.example:${port}/hooks`);

      await dispatcher(strict).dispatchDue();

      expect(await row(target.id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'DNS lookup failed' });
    });

    it('counts a resolver that does not answer in time as a timeout', async () => {
      const target = await queued(answering(200), (port) => `https://isv.example:${port}/hooks`);
      const silent: HostResolver = () => new Promise(() => undefined);

      await dispatcher({ ...strict, LATCHKEY_ABUSE_WEBHOOK_TIMEOUT_MS: 200 }, silent).dispatchDue();

      expect(await row(target.id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'timeout' });
    });
  });

  describe('what an attempt records', () => {
    it('records the status of a refusal, never its body', async () => {
      const target = await queued((res) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('redis at 10.0.0.5:6379 said: -ERR unknown command');
      });

      await dispatcher().dispatchDue();

      expect((await row(target.id))?.last_error).toBe('HTTP 500');
    });

    it('records a TLS failure as such, not the TLS library’s words', async () => {
      // https to a plain-http listener: the handshake fails.
      const target = await queued(answering(200), (port) => `https://127.0.0.1:${port}/hooks`);

      await dispatcher().dispatchDue();

      expect(await row(target.id)).toMatchObject({ status: 'pending', last_error: 'TLS error' });
    });

    it('connects a name no system resolver knows to the address its resolver gave (the pin, not a second lookup)', async () => {
      // `.invalid` never resolves (RFC 6761): without the pinned lookup the socket's own resolution fails. With it, the
      // connection reaches the plain-http listener at 127.0.0.1, whose answer to a TLS handshake is a TLS error.
      const target = await queued(answering(200), (port) => `https://isv.invalid:${port}/hooks`);
      let connections = 0;
      target.server.on('connection', () => connections++);

      await dispatcher({}, resolving('127.0.0.1')).dispatchDue();

      expect(connections).toBe(1);
      expect(await row(target.id)).toMatchObject({ status: 'pending', last_error: 'TLS error' });
    });
  });
});

describe(backoffMs.name, () => {
  it.each([
    [0, 5000],
    [1, 5000],
    [2, 10_000],
    [3, 20_000],
    [4, 40_000],
    [10, 2_560_000],
    [11, 3_600_000],
    [12, 3_600_000],
    [50, 3_600_000],
  ])('after attempt %i waits %i ms', (attempts, ms) => {
    expect(backoffMs(attempts)).toBe(ms);
  });

  it('with the default 33 attempts waits 5 s doubling to the 1 h cap, then hours: 84 315 s (about 23 h) in all', () => {
    const total = Array.from({ length: CASE_DEFAULTS.LATCHKEY_ABUSE_WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => backoffMs(i + 1)).reduce(
      (a, b) => a + b,
      0,
    );

    expect(total).toBe(5000 * (2 ** 10 - 1) + 22 * 3_600_000);
  });
});

describe(failureOf.name, () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.5:6379' }, 'connection refused'],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, 'connection reset'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH 10.0.0.9:80' }, 'network unreachable'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames: IP: 10.0.0.5" }, 'TLS error'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'TLS error'],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'TLS error'],
    [{ code: 'EPROTO', message: 'write EPROTO …:SSL routines:ssl3_get_record:wrong version number' }, 'TLS error'],
    [{ code: 'HPE_INVALID_CONSTANT', message: 'Parse Error: Expected HTTP/' }, 'invalid HTTP response'],
    [{ code: 'EWHATEVER', message: 'internal.host.local said no' }, 'connection failed'],
    [new Error('no code'), 'connection failed'],
    [null, 'connection failed'],
  ])('files %j as %s', (error, failure) => {
    expect(failureOf(error)).toBe(failure);
  });
});
