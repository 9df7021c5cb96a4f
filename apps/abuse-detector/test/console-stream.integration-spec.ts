import { randomBytes, randomUUID } from 'node:crypto';
import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { innerErrorCode, startServiceUnderTest, useOwnKafka, type OwnKafka, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { OperatorAccess } from './support/operator-access';

const run = randomUUID().slice(0, 8);
const EXCHANGE = `https://exchange.stream-${run}.test`;
const OPERATOR_KEY = `lk_op_${randomBytes(32).toString('base64url')}`;
/** The stream re-checks every 5 s (STREAM_RECHECK_MS): a refusal ends it well within this. */
const END_WITHIN_MS = 20_000;

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
  let access: OperatorAccess;
  const streams: OpenStream[] = [];

  beforeAll(async () => {
    access = await OperatorAccess.start({ exchangeIssuer: EXCHANGE });
    kafka = await useOwnKafka();
    service = await startServiceUnderTest('abuse-detector', AbuseDetectorModule, {
      env: { LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: OPERATOR_KEY, ...access.detectorEnv },
    });
  }, 120_000);

  afterAll(async () => {
    for (const stream of streams) stream.abort();
    await service?.stop();
    await kafka?.stop();
    await access?.stop();
  });

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
    const personId = access.anOperator();
    const { token } = await access.operatorToken(personId);
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

    access.removePermission(personId);
    const removedAt = Date.now();

    await eventually(() => open.endedAt !== undefined, { timeoutMs: END_WITHIN_MS, what: 'the stream ended by the server' });
    expect(JSON.parse(endOf(open) ?? 'null')).toEqual({ reason: 'permission-missing' });
    expect((open.endedAt ?? Infinity) - removedAt).toBeLessThan(END_WITHIN_MS);
    const again = await fetch(`${service.handle.url}/admin/v1/alerts/stream`, { headers: { authorization: `Bearer ${token}` } });
    expect({ status: again.status, inner: innerErrorCode(await again.text()) }).toEqual({ status: 403, inner: 'PermissionMissing' });
  });

  it('ends an open stream at the operator token’s expiry', async () => {
    const { token, exp } = await access.operatorToken(access.anOperator(), 8_000);
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
    const personId = access.anOperator();
    const { token } = await access.operatorToken(personId);
    const stream = await openStream(token);
    expect(stream.status).toBe(200);
    await live(stream);

    await service.bus.publish(AccessRevocationV1, access.revocationOf(personId));

    await eventually(() => stream.endedAt !== undefined, { timeoutMs: END_WITHIN_MS, what: 'the stream ended on the revocation' });
    expect(JSON.parse(endOf(stream) ?? 'null')).toEqual({ reason: 'credential-revoked' });
  });

  it('keeps the stream of an operator whose credential stays valid open across re-checks', async () => {
    const personId = access.anOperator();
    const stream = await openStream((await access.operatorToken(personId)).token);
    expect(stream.status).toBe(200);
    await live(stream);

    // The connection's decision, then two re-checks (every 5 s), each asking the decision API (not cached here).
    await eventually(() => access.decisionsAskedFor(personId) >= 3, { timeoutMs: END_WITHIN_MS, what: 'two re-checks' });

    expect({ ended: stream.endedAt, end: endOf(stream) }).toEqual({ ended: undefined, end: undefined });
  });
});
