/**
 * Overload (issue 10, "Overload and soak"; results in docs/BENCHMARKS.md): each service is first measured in
 * closed loop (its capacity now, on this machine), then offered --factor times that rate open loop for
 * --seconds, over more connections than its in-flight cap, so its early load shedding must act.
 *
 *   npx tsx tools/bench/overload.ts [--services issuer,face-api] [--seconds 60] [--factor 2] [--connections 1000]
 *                                   [--warmup 5] [--calibrate 10] [--calibrate-connections 64] [--capacity-issuer N] [--capacity-face-api N]
 *                                   [--preconnect]
 *
 * --preconnect opens every connection (GET /healthz) before the first request is due, to tell the cost of
 * opening 512 connections at once from the service's own ramp to steady shedding (both show in the first
 * seconds, which are also reported one by one).
 *
 * For each service it reports: the rate offered and the share answered 200, 503 (shed) and otherwise; the p50
 * and p99 of the accepted (200) requests, from when each was due (open loop: the generator's own lateness and
 * queueing count, no coordinated omission); how late the generator itself was; the resident memory of the
 * service before, at most during, and after the run; and whether every accepted request left its event
 * (one `lat.issued` per issuance 200, one `lat.used` on Kafka per served use). Exit code 1 when the check
 * fails or any answer is neither 200 nor 503.
 *
 * Setup as in issuance.ts (PostgreSQL at DATABASE_URL, a scratch database) and token-use.ts (Kafka at
 * KAFKA_BROKERS or the local broker); the services' shedding thresholds are their defaults unless
 * LATCHKEY_SHED_* is set in the environment (docs/CONFIG.md).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { quantile, runPaced } from './exchange-paced';
import { measureCapacity, rssMiB, startTarget, TARGET_NAMES, type TargetName } from './overload-targets';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: TARGET_NAMES.join(',') },
    seconds: { type: 'string', default: '60' },
    factor: { type: 'string', default: '2' },
    connections: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '5' },
    calibrate: { type: 'string', default: '10' },
    'calibrate-connections': { type: 'string', default: '64' },
    'capacity-issuer': { type: 'string' },
    'capacity-face-api': { type: 'string' },
    preconnect: { type: 'boolean', default: false },
  },
});
const services = args.services.split(',') as TargetName[];
if (services.some((s) => !TARGET_NAMES.includes(s))) throw new Error(`--services takes ${TARGET_NAMES.join(', ')}`);
const seconds = Number(args.seconds);
const factor = Number(args.factor);
const connections = Number(args.connections);
const warmupSeconds = Number(args.warmup);
const calibrateSeconds = Number(args.calibrate);
const calibrateConnections = Number(args['calibrate-connections']);
if (![seconds, connections, warmupSeconds, calibrateSeconds, calibrateConnections].every((n) => Number.isInteger(n) && n > 0) || !(factor > 0)) {
  throw new Error('--seconds, --connections, --calibrate and --calibrate-connections take whole numbers > 0; --factor a number > 0');
}
const preconnect = args.preconnect;
const givenCapacity: Record<TargetName, string | undefined> = { issuer: args['capacity-issuer'], 'face-api': args['capacity-face-api'] };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (part: number, whole: number) => `${fmt((100 * part) / Math.max(1, whole), 1)} %`;

async function overload(name: TargetName): Promise<boolean> {
  const target = await startTarget(name);
  try {
    let capacity = Number(givenCapacity[name]);
    let accepted = 0;
    let unanswered = 0;
    // A cold process (JIT, pools, caches) would understate its capacity; these 200s are counted like the rest.
    const warm = await measureCapacity(target, warmupSeconds, calibrateConnections);
    accepted += warm.ok;
    unanswered += warm.unanswered;
    if (!(capacity > 0)) {
      const measured = await measureCapacity(target, calibrateSeconds, calibrateConnections);
      capacity = measured.rate;
      accepted += measured.ok;
      unanswered += measured.unanswered;
      console.error(`${name}: capacity ${fmt(capacity)} req/s (closed loop, ${calibrateConnections} connections, ${calibrateSeconds} s)`);
    }
    const rate = Math.round(factor * capacity);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssBefore = rssMiB(target.pid);
    let rssMax = rssBefore;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMiB(target.pid))), 1_000);
    const acceptedLatencies: number[] = [];
    /** Accepted latencies by 10-s window of when they were due: shows whether the tail is a transient or steady. */
    const windows: number[][] = Array.from({ length: Math.ceil(seconds / 10) }, () => []);
    const shedLatencies: number[] = [];
    /** The first 10 s second by second (by when requests were due): how long the ramp to steady shedding lasts. */
    const ramp = Array.from({ length: Math.min(10, seconds) }, () => ({ accepted: [] as number[], shed: 0 }));
    const result = await runPaced({
      url: target.url,
      rate,
      seconds,
      connections,
      preconnectPath: preconnect ? '/healthz' : undefined,
      next: (i) => target.request(i),
      onAnswer: (status, _body, i, latencyMs) => {
        const second = ramp[Math.floor(i / rate)];
        if (status === 200) {
          acceptedLatencies.push(latencyMs);
          windows[Math.min(windows.length - 1, Math.floor(i / rate / 10))]?.push(latencyMs);
          second?.accepted.push(latencyMs);
        } else if (status === 503) {
          shedLatencies.push(latencyMs);
          if (second) second.shed += 1;
        }
      },
    }).finally(() => clearInterval(sampler));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssAfter = rssMiB(target.pid);
    const ok = result.statuses.get(200) ?? 0;
    const shed = result.statuses.get(503) ?? 0;
    const other = [...result.statuses].filter(([status]) => status !== 200 && status !== 503);
    accepted += ok;
    unanswered += result.errors;
    const check = await target.checkEvents(accepted, unanswered);
    const sortedAccepted = Float64Array.from(acceptedLatencies).sort();
    const sortedShed = Float64Array.from(shedLatencies).sort();

    console.log(`\n## ${name}: ${fmt(rate)} req/s offered (${factor} × ${fmt(capacity)} measured) for ${seconds} s over ${connections} connections`);
    console.log(
      `sent ${fmt(result.sent)}; answered 200: ${fmt(ok)} (${pct(ok, result.sent)}, ${fmt(ok / seconds)}/s); 503 shed: ${fmt(shed)} (${pct(shed, result.sent)})`,
    );
    console.log(`other answers: ${other.length === 0 ? 'none' : other.map(([s, n]) => `${s} × ${n}`).join(', ')}; socket errors: ${result.errors}`);
    console.log(
      `accepted latency from due: p50 ${fmt(quantile(sortedAccepted, 0.5), 1)} ms, p99 ${fmt(quantile(sortedAccepted, 0.99), 1)} ms, max ${fmt(sortedAccepted[sortedAccepted.length - 1] ?? Number.NaN, 1)} ms`,
    );
    const byWindow = windows.map((w) => fmt(quantile(Float64Array.from(w).sort(), 0.99), 0));
    console.log(`accepted p99 by 10-s window (ms): ${byWindow.join(' / ')}`);
    const bySecond = ramp.map((r) => `${fmt(quantile(Float64Array.from(r.accepted).sort(), 0.99), 0)} (${pct(r.shed, r.shed + r.accepted.length)})`);
    console.log(`first ${ramp.length} s, accepted p99 per second in ms (share shed): ${bySecond.join(' / ')}`);
    console.log(`shed latency from due: p50 ${fmt(quantile(sortedShed, 0.5), 1)} ms, p99 ${fmt(quantile(sortedShed, 0.99), 1)} ms`);
    console.log(
      `generator lateness: p99 ${fmt(result.sendLagP99Ms, 1)} ms, max ${fmt(result.sendLagMaxMs, 1)} ms; run took ${fmt(result.elapsedSeconds, 1)} s`,
    );
    console.log(`RSS: ${fmt(rssBefore, 1)} MiB before, ${fmt(rssMax, 1)} MiB at most during, ${fmt(rssAfter, 1)} MiB after`);
    console.log(`events: ${check.ok ? 'OK' : 'MISMATCH'}: ${check.summary}`);
    return check.ok && other.length === 0 && result.errors === 0;
  } finally {
    await target.stop();
  }
}

async function main(): Promise<void> {
  console.log(
    `load average (1/5/15 min) before: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' / ')}`,
  );
  let ok = true;
  for (const name of services) ok = (await overload(name)) && ok;
  console.log(
    `\nload average (1/5/15 min) after: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' / ')}`,
  );
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
