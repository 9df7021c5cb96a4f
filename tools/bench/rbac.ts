/**
 * RBAC decision latency and throughput (issue 8, "Benchmark"; results in
 * docs/BENCHMARKS.md, section "RBAC (issue 8)").
 *
 *   npx tsx tools/bench/rbac.ts [--parts cache,guard,api] [--entries 10000] [--lookups 1000000] [--guard-calls 50000]
 *                               [--seconds 20] [--warmup 5] [--connections 16]
 *                               [--roles 20] [--permissions 200] [--people 1000] [--cpu-prof DIR]
 *
 * - cache: the guard's DecisionCache built as RbacGuardModule builds it
 *   (TTL 30 s, the default LATCHKEY_RBAC_DECISION_CACHE_TTL_MS; 50,000
 *   entries), filled with --entries decisions, then --lookups `fresh()`
 *   calls round robin over them, each timed on its own with
 *   process.hrtime.bigint() (the timer's own cost, measured on empty pairs,
 *   is reported beside it and included in the figures).
 * - guard: the guard's cached path in-process, without Nest: ES256
 *   verifyInternalAccessToken (local key set) + scope check + subject +
 *   DecisionCache.fresh(), --guard-calls awaited calls over 64 tokens, each timed.
 * - api: the rbac service in a child process (rbac-server.ts) on a scratch
 *   PostgreSQL database (DATABASE_URL, default
 *   postgres://postgres@127.0.0.1:5432/postgres; dropped at the end),
 *   in-process bus. Seeded through its admin API: --permissions permissions,
 *   --roles roles (10 permissions each; every role but each fifth includes
 *   the one before it, chains of 5), and --people person assignments of one
 *   role each (the persons are inserted into rbac.subjects directly, standing
 *   in for identity.created). Then autocannon on POST /rbac/v1/decisions,
 *   --connections connections, pipelining 1, a --warmup run then a --seconds
 *   run, over 512 bodies: half allowed, a quarter denied by no-role-grants,
 *   an eighth unknown-permission and an eighth unknown-subject.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DecisionCache } from '@latchkey/access-guards';
import { openDatabase } from '@latchkey/persistence';
import { createScratchDatabase, DEFAULT_ADMIN_URL } from '@latchkey/testing';
import { generateSigningKey, signInternalAccessToken, verifyInternalAccessToken } from '@latchkey/tokens';
import { RbacProcess } from './rbac-process';

/** RbacGuardModule's DECISION_CACHE_ENTRIES and the default LATCHKEY_RBAC_DECISION_CACHE_TTL_MS. */
const CACHE_ENTRIES = 50_000;
const CACHE_TTL_MS = 30_000;
const PERMISSIONS_PER_ROLE = 10;
const CHAIN = 5;
const BODIES = 512;
const SEED_CONCURRENCY = 8;
/** Issue 8's targets. */
const CACHED_P99_TARGET_US = 1000;
const API_TARGET_PER_SECOND = 5000;

const { values: args } = parseArgs({
  options: {
    parts: { type: 'string', default: 'cache,guard,api' },
    'guard-calls': { type: 'string', default: '50000' },
    entries: { type: 'string', default: '10000' },
    lookups: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    roles: { type: 'string', default: '20' },
    permissions: { type: 'string', default: '200' },
    people: { type: 'string', default: '1000' },
    'cpu-prof': { type: 'string' },
  },
});
const parts = args.parts.split(',');
const entries = Number(args.entries);
const lookups = Number(args.lookups);
const guardCalls = Number(args['guard-calls']);
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const connections = Number(args.connections);
const roleCount = Number(args.roles);
const permissionCount = Number(args.permissions);
const people = Number(args.people);
if (
  [entries, lookups, guardCalls, seconds, warmupSeconds, connections, roleCount, permissionCount, people].some((n) => !Number.isInteger(n) || n <= 0)
) {
  throw new Error('the numeric options take positive whole numbers');
}
if (roleCount * PERMISSIONS_PER_ROLE > permissionCount) throw new Error(`--permissions must be at least ${PERMISSIONS_PER_ROLE} × --roles`);

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function benchCache(): void {
  const cache = new DecisionCache({ ttlMs: CACHE_TTL_MS, maxEntries: CACHE_ENTRIES });
  const tenantId = randomUUID();
  const queries = Array.from({ length: entries }, (_, i) => ({
    subject: { kind: 'person' as const, id: randomUUID() },
    permission: `reports${i % 50}:read`,
    tenantId,
  }));
  for (const [i, query] of queries.entries()) {
    cache.store(
      query,
      { decision: i % 2 === 0 ? 'allow' : 'deny', reason: i % 2 === 0 ? 'granted-by-role:reader' : 'no-role-grants' },
      cache.generation,
    );
  }
  // The guard builds a query object per request: so does this loop, outside the timed region.
  const timings = new Float64Array(lookups);
  let hits = 0;
  for (let i = 0; i < lookups; i++) {
    const q = queries[i % entries] as (typeof queries)[number];
    const query = { subject: q.subject, permission: q.permission, tenantId: q.tenantId };
    const started = process.hrtime.bigint();
    const decision = cache.fresh(query);
    timings[i] = Number(process.hrtime.bigint() - started) / 1000;
    if (decision !== undefined) hits += 1;
  }
  const empty = new Float64Array(100_000);
  for (let i = 0; i < empty.length; i++) {
    const started = process.hrtime.bigint();
    empty[i] = Number(process.hrtime.bigint() - started) / 1000;
  }
  const untimedStart = process.hrtime.bigint();
  for (let i = 0; i < lookups; i++) {
    const q = queries[i % entries] as (typeof queries)[number];
    if (cache.fresh({ subject: q.subject, permission: q.permission, tenantId: q.tenantId }) !== undefined) hits += 1;
  }
  const untimedNs = Number(process.hrtime.bigint() - untimedStart);
  timings.sort();
  empty.sort();
  const p99 = percentile(timings, 0.99);
  console.log(`cache: ${cache.size} decisions held, ${lookups} fresh() lookups timed one by one (hits ${hits} of ${2 * lookups})`);
  console.log(
    `cache: p50 ${percentile(timings, 0.5).toFixed(2)} µs, p99 ${p99.toFixed(2)} µs, p99.9 ${percentile(timings, 0.999).toFixed(2)} µs, ` +
      `max ${(timings[timings.length - 1] ?? 0).toFixed(1)} µs; timer alone p50 ${percentile(empty, 0.5).toFixed(2)} µs, p99 ${percentile(empty, 0.99).toFixed(2)} µs`,
  );
  console.log(`cache: untimed loop ${(untimedNs / lookups).toFixed(0)} ns per lookup (${((lookups / untimedNs) * 1e9).toFixed(0)} lookups/s)`);
  console.log(`cache: p99 target < ${CACHED_P99_TARGET_US} µs: ${p99 < CACHED_P99_TARGET_US ? 'met' : 'missed'}`);
}

/**
 * The guard's cached path without Nest around it: verifyInternalAccessToken on an
 * ES256 token (a local key set: RemoteJwks serves its cached keys the same way),
 * the scope check, the subject and a cached decision; each call awaited and timed.
 */
async function benchGuardPath(count: number): Promise<void> {
  const key = await generateSigningKey('ES256');
  const issuer = 'https://exchange.latchkey.example';
  const audience = 'api://latchkey-bench';
  const jwks = { keys: [key.publicJwk] };
  const cache = new DecisionCache({ ttlMs: CACHE_TTL_MS, maxEntries: CACHE_ENTRIES });
  const now = new Date();
  const tokens: string[] = [];
  for (let i = 0; i < 64; i++) {
    const personId = randomUUID();
    const tenantId = randomUUID();
    const signed = await signInternalAccessToken(
      {
        issuer,
        audience,
        personId,
        clientId: randomUUID(),
        scopes: ['bench.read'],
        tenantId,
        objectId: randomUUID(),
        now,
        expiresAt: new Date(now.getTime() + 3_600_000),
      },
      key,
    );
    tokens.push(signed.token);
    cache.store(
      { subject: { kind: 'person', id: personId }, permission: 'reports:read', tenantId },
      { decision: 'allow', reason: 'granted-by-role:reader' },
      cache.generation,
    );
  }
  const once = async (token: string): Promise<boolean> => {
    const { claims } = await verifyInternalAccessToken(token, { jwks, issuer, audience, clockToleranceSeconds: 5 });
    if (!claims.scope.split(' ').includes('bench.read')) throw new Error('scope missing');
    const subject =
      claims.sub === claims.client_id ? { kind: 'application' as const, id: claims.client_id } : { kind: 'person' as const, id: claims.sub };
    return cache.fresh({ subject, permission: 'reports:read', tenantId: claims.tid })?.decision === 'allow';
  };
  for (let i = 0; i < 2000; i++) await once(tokens[i % tokens.length] as string);
  const timings = new Float64Array(count);
  let allowed = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    if (await once(tokens[i % tokens.length] as string)) allowed += 1;
    timings[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalNs = Number(process.hrtime.bigint() - started);
  timings.sort();
  console.log(
    `guard path (verify ES256 + scope + cached decision): ${count} calls, ${allowed} allowed, p50 ${percentile(timings, 0.5).toFixed(1)} µs, ` +
      `p99 ${percentile(timings, 0.99).toFixed(1)} µs, max ${(timings[timings.length - 1] ?? 0).toFixed(0)} µs, ${((count / totalNs) * 1e9).toFixed(0)} calls/s on one core`,
  );
}

async function benchApi(): Promise<void> {
  const scratch = await createScratchDatabase(process.env['DATABASE_URL'] ?? DEFAULT_ADMIN_URL, 'bench');
  let rbac: RbacProcess | undefined;
  try {
    const operatorKey = `lk_op_${randomBytes(32).toString('base64url')}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: scratch.url,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
      LATCHKEY_RBAC_OPERATOR_KEY: operatorKey,
    };
    delete env['KAFKA_BROKERS'];
    rbac = await RbacProcess.start(env, args['cpu-prof']);
    const server = rbac;
    const headers = { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' };
    const call = async (method: string, path: string, body: unknown, expected: number[]): Promise<unknown> => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        ...(body === undefined ? { headers: { authorization: headers.authorization } } : { headers, body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!expected.includes(response.status)) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    };
    const pool = async (count: number, work: (i: number) => Promise<void>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: SEED_CONCURRENCY }, async () => {
          while (next < count) await work(next++);
        }),
      );
    };

    const seedStarted = Date.now();
    const permissions = Array.from({ length: permissionCount }, (_, i) => `res${Math.floor(i / 4)}:act${i % 4}`);
    await pool(permissionCount, (i) => call('POST', '/admin/v1/permissions', { id: permissions[i] }, [200, 201]).then(() => undefined));
    const roles = Array.from({ length: roleCount }, (_, i) => `role-${i}`);
    /** Permissions each role grants, its own and its included roles'. */
    const grants: Set<string>[] = [];
    for (let r = 0; r < roleCount; r++) {
      const own = permissions.slice(r * PERMISSIONS_PER_ROLE, (r + 1) * PERMISSIONS_PER_ROLE);
      const includes = r % CHAIN === 0 ? [] : [roles[r - 1] as string];
      await call('POST', '/admin/v1/roles', { id: roles[r], description: `bench role ${r}`, permissions: own, includes }, [201]);
      grants.push(new Set([...own, ...(r % CHAIN === 0 ? [] : [...(grants[r - 1] ?? [])])]));
    }
    const db = await openDatabase({ url: scratch.url, maxConnections: 1 });
    const persons = (
      await db.query<{ id: string }>(
        "INSERT INTO rbac.subjects (id, kind) SELECT gen_random_uuid()::text, 'person' FROM generate_series(1, $1) RETURNING id",
        [people],
      )
    ).map((row) => row.id);
    await db.close();
    await pool(people, (i) =>
      call('PUT', `/admin/v1/subjects/person/${persons[i]}/assignments/${roles[i % roleCount]}`, undefined, [200, 201, 204]).then(() => undefined),
    );
    console.log(
      `api: seeded ${permissionCount} permissions, ${roleCount} roles, ${people} person assignments in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    const notGranted = (r: number) => permissions.find((p) => !(grants[r] as Set<string>).has(p)) as string;
    const bodies: string[] = [];
    for (let i = 0; i < BODIES; i++) {
      const p = i % people;
      const r = p % roleCount;
      const granted = [...(grants[r] as Set<string>)];
      const kind = i % 8;
      const query =
        kind < 4
          ? { subject: { kind: 'person', id: persons[p] }, permission: granted[i % granted.length] }
          : kind < 6
            ? { subject: { kind: 'person', id: persons[p] }, permission: notGranted(r) }
            : kind === 6
              ? { subject: { kind: 'person', id: persons[p] }, permission: `unregistered${i}:read` }
              : { subject: { kind: 'person', id: randomUUID() }, permission: granted[0] };
      bodies.push(JSON.stringify(query));
    }
    const reasons = new Map<string, number>();
    for (const body of bodies) {
      const answer = (await call('POST', '/rbac/v1/decisions', JSON.parse(body), [200])) as { decision: string; reason: string };
      const key = `${answer.decision} ${answer.reason.replace(/:.*/, '')}`;
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    console.log(`api: the ${BODIES} bodies answer ${[...reasons].map(([k, n]) => `${k} ×${n}`).join(', ')}`);

    let nextBody = 0;
    const run = (duration: number) =>
      autocannon({
        url: server.url,
        connections,
        pipelining: 1,
        duration,
        requests: [
          {
            method: 'POST',
            path: '/rbac/v1/decisions',
            headers,
            setupRequest: (request) => ({ ...request, body: bodies[nextBody++ % BODIES] }),
          },
        ],
      });
    await run(warmupSeconds);
    const load1 = loadavg()[0] ?? 0;
    const cpuBefore = await server.cpuMicros();
    const result = await run(seconds);
    const cpuMicros = (await server.cpuMicros()) - cpuBefore;
    const perSecond = result.requests.average;
    console.log(
      `api: load1 before ${load1.toFixed(2)}; ${result.requests.total} requests in ${seconds} s, ${perSecond.toFixed(0)} req/s average ` +
        `(${(result['2xx'] / seconds).toFixed(0)} 2xx/s), non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`,
    );
    console.log(
      `api: latency p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ` +
        `server CPU ${(cpuMicros / 1e6 / seconds).toFixed(2)} cores`,
    );
    console.log(`api: target >= ${API_TARGET_PER_SECOND} req/s: ${perSecond >= API_TARGET_PER_SECOND ? 'met' : 'missed'}`);
  } finally {
    await rbac?.stop();
    await scratch.drop();
  }
}

async function main(): Promise<void> {
  console.log(`load1 at start ${(loadavg()[0] ?? 0).toFixed(2)}`);
  if (parts.includes('cache')) benchCache();
  if (parts.includes('guard')) await benchGuardPath(guardCalls);
  if (parts.includes('api')) await benchApi();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
