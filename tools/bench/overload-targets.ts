/**
 * The two services the overload and soak benchmarks drive (tools/bench/overload.ts, soak.ts), each booted as
 * its benchmark server in a child process of its own, as issuance.ts and token-use.ts boot them, with its
 * load shedding at the service's defaults (docs/CONFIG.md, `load-shedding`) unless LATCHKEY_SHED_* is set:
 *
 * - issuer: `POST /sts/v1.0/issueLimitedAccessToken` on PostgreSQL (scratch database; an issuance is durable
 *   once its row and its `lat.issued` outbox row commit, before the 200), its outbox relayed to Kafka as in a
 *   deployment. Not the in-process bus of issuance.ts: that broker keeps every event in memory, so the
 *   issuer's resident memory would grow with each issuance and a soak would measure the broker;
 * - face-api: `POST /face/v1.0/verify` with a reused token (32, round robin), every served use's `lat.used`
 *   acknowledged by Kafka before the handler runs.
 *
 * Each target also counts what it answered 200 and says whether every accepted request left its event.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { FEATURE_FLAGS, LatUsedV1, Topics } from '@latchkey/contracts';
import { KafkaTransport } from '@latchkey/messaging';
import { openDatabase } from '@latchkey/persistence';
import { createScratchDatabase, DEFAULT_ADMIN_URL, type ScratchDatabase } from '@latchkey/testing';
import { generateApiKey } from '@latchkey/tokens';
import { kafkaBrokers, topicEnd } from './bench-kafka';
import { BENCH_RESOURCE } from './bench-protocol';
import { BenchTokenIssuer } from './bench-token-issuer';
import type { PacedRequest } from './exchange-paced';
import { FaceApiProcess } from './face-api-process';
import { issuerBenchEnvironment, IssuerProcess } from './issuer-process';
import { GUARDED_PATH } from './token-use-protocol';

export type TargetName = 'issuer' | 'face-api';
export const TARGET_NAMES: readonly TargetName[] = ['issuer', 'face-api'];

/** Whether every accepted request left exactly its event (what issuance.ts and token-use.ts check). */
export interface EventCheck {
  readonly ok: boolean;
  readonly summary: string;
}

export interface LoadTarget {
  readonly name: TargetName;
  readonly url: string;
  readonly pid: number | undefined;
  /** Request i of a run. */
  request(i: number): PacedRequest;
  /**
   * Compares the events recorded with the requests answered 200 so far (`accepted`) and those that got no
   * answer (`unanswered`: the server may have completed them after the client gave up).
   */
  checkEvents(accepted: number, unanswered: number): Promise<EventCheck>;
  stop(): Promise<void>;
}

/** Resident memory of a process (Linux `/proc`), MiB; NaN when unreadable. */
export function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Closed-loop throughput of 200s (autocannon, pipelining 1): the capacity the run measures itself against. */
export async function measureCapacity(
  target: LoadTarget,
  seconds: number,
  connections: number,
): Promise<{ readonly rate: number; readonly ok: number; readonly unanswered: number }> {
  let i = 0;
  let ok = 0;
  let sent = 0;
  let answered = 0;
  const first = target.request(0);
  await autocannon({
    url: target.url,
    method: 'POST',
    connections,
    pipelining: 1,
    duration: seconds,
    headers: first.headers,
    body: first.body,
    requests: [
      {
        setupRequest: (request) => {
          const next = target.request(i++);
          return { ...request, path: next.path, headers: { ...request.headers, ...next.headers }, body: next.body };
        },
      },
    ],
    setupClient: (client) => {
      (client as NodeJS.EventEmitter).on('request', () => (sent += 1));
      client.on('response', (status: number) => {
        answered += 1;
        if (status === 200) ok += 1;
      });
    },
  });
  return { rate: ok / seconds, ok, unanswered: sent - answered };
}

export function startTarget(name: TargetName): Promise<LoadTarget> {
  return name === 'issuer' ? startIssuer() : startFaceApi();
}

async function startIssuer(): Promise<LoadTarget> {
  const brokers = kafkaBrokers();
  const scratch = await createScratchDatabase(process.env['DATABASE_URL'] ?? DEFAULT_ADMIN_URL, 'bench');
  const isvKey = generateApiKey('isv');
  // The per-ISV limit raised out of the way: this run is about the global shedding (503).
  const env: NodeJS.ProcessEnv = { ...issuerBenchEnvironment(scratch.url, isvKey), KAFKA_BROKERS: brokers };
  let server: IssuerProcess;
  try {
    server = await IssuerProcess.start(env, false);
  } catch (error) {
    await scratch.drop();
    throw error;
  }
  const request: PacedRequest = {
    path: '/sts/v1.0/issueLimitedAccessToken?expiredTime=3600',
    headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': isvKey, 'user-agent': 'latchkey-bench' },
    body: JSON.stringify({ targetAzureResourceId: BENCH_RESOURCE, featureFlags: [...FEATURE_FLAGS] }),
  };
  return {
    name: 'issuer',
    url: server.url,
    pid: server.pid,
    request: () => request,
    checkEvents: (accepted, unanswered) => checkIssuances(scratch, accepted, unanswered),
    stop: async () => {
      await server.stop();
      await scratch.drop();
    },
  };
}

/** One `issuer.issuances` row per 200 (plus at most the unanswered), and one `lat.issued` outbox row per row. */
async function checkIssuances(scratch: ScratchDatabase, accepted: number, unanswered: number): Promise<EventCheck> {
  const db = await openDatabase({ url: scratch.url, maxConnections: 1 });
  try {
    const count = async (sql: string) => Number((await db.query<{ n: string }>(sql))[0]?.n ?? -1);
    const rows = await count('SELECT count(*) AS n FROM issuer.issuances');
    const events = await count("SELECT count(*) AS n FROM issuer.outbox WHERE topic = 'lat.issued'");
    const ok = rows >= accepted && rows <= accepted + unanswered && events === rows;
    return { ok, summary: `${accepted} issuance 200s (+${unanswered} unanswered): ${rows} issuance rows, ${events} lat.issued outbox rows` };
  } finally {
    await db.close();
  }
}

async function startFaceApi(): Promise<LoadTarget> {
  const brokers = kafkaBrokers();
  const scratch = await createScratchDatabase(process.env['DATABASE_URL'] ?? DEFAULT_ADMIN_URL, 'bench');
  const spoolDir = mkdtempSync(join(tmpdir(), 'lk-bench-spool-'));
  const issuer = await BenchTokenIssuer.create();
  const kafka = new KafkaTransport({ brokers: brokers.split(','), clientId: 'latchkey-bench' });
  const cleanUp = async () => {
    await kafka.close().catch(() => undefined);
    await issuer.stop();
    await scratch.drop();
    rmSync(spoolDir, { recursive: true, force: true });
  };
  let server: FaceApiProcess;
  let tokens: readonly string[];
  let usedBefore: bigint;
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...(await issuer.start()),
      DATABASE_URL: scratch.url,
      KAFKA_BROKERS: brokers,
      LATCHKEY_SPOOL_DIR: spoolDir,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    };
    server = await FaceApiProcess.start(env, false);
    tokens = (await issuer.pool(server.ready.resourceId, 'EdDSA', 32)).tokens;
    usedBefore = await topicEnd(kafka, Topics.LatUsed);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const headers = { 'content-type': 'application/json', 'ocp-apim-subscription-key': server.ready.subscriptionKey, 'user-agent': 'latchkey-bench' };
  return {
    name: 'face-api',
    url: server.url,
    pid: server.pid,
    request: (i) => ({
      path: GUARDED_PATH,
      headers: { ...headers, limitedaccesstoken: `Bearer ${tokens[i % tokens.length] ?? ''}` },
      body: server.ready.verifyBody,
    }),
    checkEvents: async (accepted, unanswered) => {
      await drained(server);
      const counts = await server.counts();
      const used = counts.accepted[LatUsedV1.type] ?? { bus: 0, spool: 0 };
      const recorded = used.bus + used.spool;
      const onKafka = Number((await topicEnd(kafka, Topics.LatUsed)) - usedBefore);
      // A batch spooled after the bus missed its deadline may still land from its first send: the publisher is
      // at least once (consumers deduplicate by envelope id), so Kafka may hold up to one extra copy per spooled
      // event. Fewer records than accepted events would be a loss.
      const copies = onKafka - recorded;
      const ok = recorded >= accepted && recorded <= accepted + unanswered && copies >= 0 && copies <= used.spool && counts.refused === 0;
      return {
        ok,
        summary: `${accepted} served 200s (+${unanswered} unanswered): ${recorded} lat.used accepted by the publisher (${used.spool} via the spool), ${onKafka} new on Kafka (${copies} second copies of spooled events), ${counts.refused} refused publishes`,
      };
    },
    stop: async () => {
      await server.stop();
      await cleanUp();
    },
  };
}

/** Waits until the publisher has nothing queued or spooled, so its counts and Kafka's are final. */
async function drained(server: FaceApiProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await server.counts();
    if (counts.pendingEvents === 0 && counts.queued === 0) return;
    if (Date.now() > deadline) throw new Error(`the spool still holds ${counts.pendingEvents} events after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
