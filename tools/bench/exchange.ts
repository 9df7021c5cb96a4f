/**
 * Exchange throughput and latency on a cache miss and on a cache hit
 * (issue 7, "Benchmark"; results in docs/BENCHMARKS.md).
 *
 *   npx tsx tools/bench/exchange.ts [--seconds 20] [--warmup 5] [--rate 1000] [--connections 16]
 *                                   [--pool 30000] [--users 2000] [--hit-tokens 16] [--kinds miss,hit]
 *                                   [--modes paced,closed] [--cpu-prof DIR]
 *
 * - A real identity provider: EntraTestProvider (panva's oidc-provider, in
 *   this process) mints RS256 Entra v2 access tokens up front, timed: --pool
 *   tokens of --users distinct `oid`s (token i is user i mod users'). The
 *   exchange trusts its tenant through LATCHKEY_EXCHANGE_ENTRA_TENANTS and
 *   fetches its keys once.
 * - The exchange boots in a child process (exchange-server.ts) on a scratch
 *   PostgreSQL database lk_bench_<random> at DATABASE_URL (default
 *   postgres://postgres@127.0.0.1:5432/postgres, dropped at the end), on the
 *   in-process bus: an exchange is durable once its `exchange.completed`
 *   outbox row commits, before the 200. LOG_LEVEL warn. One OAuth application
 *   is created through the admin API; requests are RFC 8693 at
 *   POST /oauth2/token with HTTP Basic client authentication.
 * - miss: every request has a cache key the exchange has not seen. The key
 *   is source token + client + sorted scopes + audience; request k uses pool
 *   token k mod P and, as scope, `testapi.read` plus the subset ⌊k / P⌋ of
 *   eight more allowed scopes (256 subsets): the first P requests each get
 *   a fresh token, and P tokens cover 256 × P requests. Each request still
 *   validates its source token (the validator caches keys, not tokens), maps
 *   the person, signs and records; only a user's first request creates them.
 * - hit: --hit-tokens source tokens exchanged once each beforehand, then
 *   round robin: each answer comes from the cache.
 * - Each kind runs paced (exchange-paced.ts: open loop at --rate, evenly
 *   spaced, latency from when each request was due; autocannon's rate limit
 *   fires each connection's quota at the top of every second) and closed (autocannon,
 *   --connections, pipelining 1: the most the exchange sustains and the
 *   latency there), each after a --warmup run of its own.
 * - At the end it checks that `exchange.outbox` holds one
 *   `exchange.completed` row per miss 200 (plus the closed runs' requests
 *   still in flight when autocannon stopped), and none from the hit runs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { EntraTestProvider } from '@latchkey/exchange/testing';
import { openDatabase } from '@latchkey/persistence';
import { createScratchDatabase, DEFAULT_ADMIN_URL } from '@latchkey/testing';
import { generateSigningKey } from '@latchkey/tokens';
import { sampleCpu, splitCpu, type CpuSplit } from './cpu-meter';
import { quantile, runPaced, slowWindows, type PacedRequest } from './exchange-paced';
import { ExchangeProcess } from './exchange-process';

const TENANT = '3f0c5b1e-2a44-4c8e-9d61-0a7b2c3d4e5f';
const AUDIENCE = 'api://latchkey';
const TESTAPI_AUDIENCE = 'api://latchkey-testapi';
const APP_ID = 'b7c9d1e3-0000-4000-8000-00000000be7c';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
/** Allowed besides testapi.read; subsets of them vary the cache key of a reused source token. */
const EXTRA_SCOPES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((s) => `testapi.${s}`);
const MINT_CONCURRENCY = 8;
/** Issue 7's p99 targets at 1,000 requests/s. */
const MISS_TARGET_MS = 10;
const HIT_TARGET_MS = 2;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '16' },
    pool: { type: 'string', default: '30000' },
    users: { type: 'string', default: '2000' },
    'hit-tokens': { type: 'string', default: '16' },
    kinds: { type: 'string', default: 'miss,hit' },
    modes: { type: 'string', default: 'paced,closed' },
    'cpu-prof': { type: 'string' },
  },
});
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const rate = Number(args.rate);
const connections = Number(args.connections);
const poolSize = Number(args.pool);
const users = Number(args.users);
const hitTokens = Number(args['hit-tokens']);
if ([seconds, warmupSeconds, rate, connections, poolSize, users, hitTokens].some((n) => !Number.isInteger(n) || n < 0)) {
  throw new Error('--seconds, --warmup, --rate, --connections, --pool, --users and --hit-tokens take whole numbers');
}
const kinds = args.kinds.split(',') as Kind[];
const modes = args.modes.split(',') as Mode[];
if (kinds.some((k) => k !== 'miss' && k !== 'hit') || modes.some((m) => m !== 'paced' && m !== 'closed')) {
  throw new Error('--kinds takes miss and/or hit, --modes paced and/or closed');
}

type Kind = 'miss' | 'hit';
type Mode = 'paced' | 'closed';

interface Measured {
  readonly kind: Kind;
  readonly mode: Mode;
  readonly sent: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Sent but never answered (autocannon drops what is in flight when its time is up). */
  readonly unanswered: number;
  readonly perSecond: number;
  readonly latenciesMs: Float64Array;
  readonly cpu: CpuSplit;
  readonly sendLagP99Ms?: number;
  /** Paced runs: p99 latency from the actual send (without the generator's own lateness). */
  readonly fromSendP99Ms?: number;
  /** Paced runs: requests over the kind's target and the 100 ms windows they fell in. */
  readonly slow?: ReturnType<typeof slowWindows>;
  /** The 1-minute load average just before the run. */
  readonly load1: number;
}

/** The form body of one RFC 8693 request. */
function tokenRequestBody(subjectToken: string, scopes: readonly string[]): string {
  return new URLSearchParams({
    grant_type: TOKEN_EXCHANGE,
    subject_token: subjectToken,
    subject_token_type: ACCESS_TOKEN,
    scope: scopes.join(' '),
    audience: TESTAPI_AUDIENCE,
  }).toString();
}

/** Scopes of subset `n` (0–255): testapi.read plus the extra scopes of n's set bits. */
function scopesOf(n: number): string[] {
  if (n >= 2 ** EXTRA_SCOPES.length) throw new Error('miss keys exhausted: raise --pool');
  return ['testapi.read', ...EXTRA_SCOPES.filter((_, bit) => (n >> bit) & 1)];
}

/** `count` tokens of `people` users (token i is user i mod people's), minted MINT_CONCURRENCY at a time. */
async function mintPool(idp: EntraTestProvider, count: number, people: number): Promise<{ tokens: string[]; ms: number }> {
  const tokens: string[] = new Array<string>(count);
  const oids = Array.from({ length: people }, () => randomUUID());
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      tokens[i] = await idp.accessToken({
        tenant: TENANT,
        version: '2.0',
        oid: oids[i % people] as string,
        appId: APP_ID,
        scopes: ['user_impersonation'],
        name: `Bench User ${i % people}`,
        username: `user${i % people}@bench.example`,
      });
    }
  };
  await Promise.all(Array.from({ length: MINT_CONCURRENCY }, worker));
  return { tokens, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const idp = await EntraTestProvider.start({ tenants: [TENANT], audience: AUDIENCE });
  let exchange: ExchangeProcess | undefined;
  const scratch = await createScratchDatabase(process.env['DATABASE_URL'] ?? DEFAULT_ADMIN_URL, 'bench');
  try {
    const minted = await mintPool(idp, poolSize, users);
    const hitPool = (await mintPool(idp, hitTokens, hitTokens)).tokens;
    const pool = minted.tokens;
    console.error(`minted ${minted.tokens.length} Entra tokens in ${(minted.ms / 1000).toFixed(1)} s`);

    const operatorKey = `lk_op_${randomBytes(32).toString('base64url')}`;
    const signingKey = await generateSigningKey('ES256');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: scratch.url,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
      LATCHKEY_EXCHANGE_URL: 'https://exchange.latchkey.example',
      LATCHKEY_EXCHANGE_SIGNING_KEY: JSON.stringify(signingKey.privateJwk),
      LATCHKEY_EXCHANGE_OPERATOR_KEY: operatorKey,
      LATCHKEY_EXCHANGE_ENTRA_AUDIENCES: AUDIENCE,
      LATCHKEY_EXCHANGE_ENTRA_TENANTS: JSON.stringify(idp.trustedTenants([TENANT])),
      // The standard endpoint needs an audience; no upstream is called in standard mode.
      // Every scope the benchmark asks for belongs to the one audience (scopes are bound to their audience).
      LATCHKEY_EXCHANGE_UPSTREAMS: JSON.stringify({
        testapi: { url: 'http://127.0.0.1:9/testapi', audience: TESTAPI_AUDIENCE, scopes: ['testapi.read', ...EXTRA_SCOPES] },
      }),
    };
    delete env['KAFKA_BROKERS']; // the in-process bus: see the header comment
    exchange = await ExchangeProcess.start(env, args['cpu-prof']);
    const server = exchange;

    const created = await fetch(`${server.url}/admin/v1/oauth-applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: APP_ID,
        displayName: 'Benchmark caller',
        scopes: Object.fromEntries(['testapi.read', ...EXTRA_SCOPES].map((s) => [s, [`testapi:${s.slice('testapi.'.length)}`]])),
      }),
    });
    if (created.status !== 201) throw new Error(`creating the OAuth application: ${created.status} ${await created.text()}`);
    const { clientSecret } = (await created.json()) as { clientSecret: string };
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(APP_ID)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
      'user-agent': 'latchkey-bench',
    };

    let missKey = 0;
    const nextMiss = (): PacedRequest => {
      const k = missKey++;
      return {
        path: '/oauth2/token',
        headers: { ...headers },
        body: tokenRequestBody(pool[k % poolSize] as string, scopesOf(Math.floor(k / poolSize))),
      };
    };
    let hitKey = 0;
    const nextHit = (): PacedRequest => ({
      path: '/oauth2/token',
      headers,
      body: tokenRequestBody(hitPool[hitKey++ % hitTokens] as string, ['testapi.read']),
    });

    const db = await openDatabase({ url: scratch.url, maxConnections: 1 });
    const completed = async () =>
      Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM exchange.outbox WHERE topic = 'exchange.completed'"))[0]?.n ?? -1);

    const measure = async (kind: Kind, mode: Mode, duration: number): Promise<Measured> => {
      const next = kind === 'miss' ? nextMiss : nextHit;
      const load1 = loadavg()[0] ?? 0;
      const before = sampleCpu(await server.cpuMicros());
      if (mode === 'paced') {
        const result = await runPaced({ url: server.url, rate, seconds: duration, connections, next: () => next() });
        const ok = result.statuses.get(200) ?? 0;
        return {
          kind,
          mode,
          sent: result.sent,
          ok,
          non2xx: result.latenciesMs.length - ok,
          errors: result.errors,
          unanswered: 0,
          perSecond: result.latenciesMs.length / result.elapsedSeconds,
          latenciesMs: result.latenciesMs,
          cpu: splitCpu(before, sampleCpu(await server.cpuMicros())),
          sendLagP99Ms: result.sendLagP99Ms,
          fromSendP99Ms: quantile(result.fromSendMs, 0.99),
          slow: slowWindows(result, rate, kind === 'miss' ? MISS_TARGET_MS : HIT_TARGET_MS),
          load1,
        };
      }
      let sent = 0;
      let ok = 0;
      const latencies: number[] = [];
      const result = await autocannon({
        url: server.url,
        connections,
        pipelining: 1,
        duration,
        requests: [{ method: 'POST', path: '/oauth2/token', setupRequest: (request) => ({ ...request, ...next() }) }],
        setupClient: (client) => {
          (client as NodeJS.EventEmitter).on('request', () => (sent += 1));
          client.on('response', (status: number, _bytes: number, ms: number) => {
            latencies.push(ms);
            if (status === 200) ok += 1;
          });
        },
      });
      const cpu = splitCpu(before, sampleCpu(await server.cpuMicros()));
      return {
        kind,
        mode,
        sent,
        ok,
        non2xx: latencies.length - ok,
        errors: result.errors + result.timeouts,
        unanswered: sent - latencies.length,
        perSecond: latencies.length / duration,
        latenciesMs: Float64Array.from(latencies).sort(),
        cpu,
        load1,
      };
    };

    const runs: Measured[] = [];
    let missOk = 0;
    let missUnanswered = 0;
    let hitRowsBefore = 0;
    let hitRowsAfter = 0;
    for (const kind of kinds) {
      if (kind === 'hit') {
        // One exchange per hit token, so that every measured request is answered from the cache.
        for (let i = 0; i < hitTokens; i += 1) {
          const { path, body } = nextHit();
          const answer = await fetch(server.url + path, { method: 'POST', headers, body });
          if (answer.status !== 200) throw new Error(`warming the cache: ${answer.status} ${await answer.text()}`);
        }
        hitRowsBefore = await completed();
      }
      for (const mode of modes) {
        for (const [duration, measured] of [
          [warmupSeconds, false],
          [seconds, true],
        ] as const) {
          if (duration === 0) continue;
          const run = await measure(kind, mode, duration);
          if (kind === 'miss') {
            missOk += run.ok;
            missUnanswered += run.unanswered;
          }
          if (measured) runs.push(run);
          console.error(`${measured ? 'measured' : 'warmed up'} ${kind} ${mode}: ${run.perSecond.toFixed(0)}/s, ${run.non2xx} non-2xx`);
        }
      }
      if (kind === 'hit') hitRowsAfter = await completed();
    }
    const rows = await completed();
    const unpublished = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM exchange.outbox WHERE published_at IS NULL'))[0]?.n ?? -1);
    const identities = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM exchange.identities'))[0]?.n ?? -1);
    await db.close();

    const loadAfter = loadavg();
    const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
    console.log(
      `exchange benchmark: ${seconds} s measured after ${warmupSeconds} s warm-up, paced at ${rate}/s, ${connections} connections; ` +
        `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after`,
    );
    console.log(
      `Entra tokens: ${poolSize} for ${users} users minted in ${(minted.ms / 1000).toFixed(1)} s (${((poolSize / minted.ms) * 1000).toFixed(0)}/s), ` +
        `${hitTokens} for the hit runs; miss keys used: ${missKey} (${Math.max(0, missKey - poolSize)} of them a reused source token with another scope set)`,
    );
    console.log('');
    console.log(
      '| kind | mode | req/s | p50 ms | p90 ms | p99 ms | max ms | 200 | non-2xx | errors | CPU cores: exchange / PostgreSQL / load gen+IdP / idle | load before | send lag p99 ms | p99 from send ms |',
    );
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|');
    for (const r of runs) {
      const l = r.latenciesMs;
      const c = r.cpu;
      console.log(
        `| ${r.kind} | ${r.mode === 'paced' ? `paced ${rate}/s` : `closed, ${connections} conns`} | ${r.perSecond.toFixed(0)} | ${ms(quantile(l, 0.5))} | ` +
          `${ms(quantile(l, 0.9))} | ${ms(quantile(l, 0.99))} | ${ms(l[l.length - 1] ?? Number.NaN)} | ${r.ok} | ${r.non2xx} | ${r.errors} | ` +
          `${c.server.toFixed(2)} / ${c.postgres.toFixed(2)} / ${c.loadGenerator.toFixed(2)} / ${c.idle.toFixed(2)} | ${r.load1.toFixed(2)} |` +
          ` ${r.sendLagP99Ms === undefined ? '–' : ms(r.sendLagP99Ms)} | ${r.fromSendP99Ms === undefined ? '–' : ms(r.fromSendP99Ms)} |`,
      );
    }
    console.log('');
    for (const r of runs) {
      if (r.slow === undefined) continue;
      const target = r.kind === 'miss' ? MISS_TARGET_MS : HIT_TARGET_MS;
      console.log(
        `${r.kind} paced: ${r.slow.slow} requests (${((100 * r.slow.slow) / r.sent).toFixed(2)} %) over ${target} ms, ` +
          `in ${r.slow.windows} of ${r.slow.of} 100 ms windows`,
      );
    }
    const hitWarmups = kinds.includes('hit') ? hitTokens : 0;
    const expected = missOk + missUnanswered + hitWarmups;
    console.log('');
    console.log(
      `recording: ${rows} exchange.completed rows for ${missOk} miss 200s + ${missUnanswered} miss requests in flight at a closed run's end + ` +
        `${hitWarmups} cache warm-ups = ${expected}: ${rows === expected ? 'equal' : 'DIFFERENT'}; hit runs added ${hitRowsAfter - hitRowsBefore} rows; ` +
        `${unpublished} rows unrelayed; ${identities} identities`,
    );
    if (rows !== expected || hitRowsAfter !== hitRowsBefore || runs.some((r) => r.non2xx > 0 || r.errors > 0)) process.exitCode = 1;
  } finally {
    await exchange?.stop();
    await idp.stop();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
