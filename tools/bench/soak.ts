/**
 * Soak (issue 10, "Overload and soak"; results in docs/BENCHMARKS.md): one service under a steady open-loop load
 * at --fraction of its capacity for --minutes, its resident memory sampled every --sample-seconds. Passes when,
 * after --warmup-minutes, RSS is flat within --max-drift (10 %) and no answer is an error other than an
 * intended one. Flat: the median of the last third of the post-warm-up samples is within --max-drift of the
 * median of the first third. Medians, because V8's heap breathes (a sample taken just before a major GC
 * can be 20 % above the next); a leak moves the whole series, a sawtooth does not. Min and max are printed.
 *
 *   npx tsx tools/bench/soak.ts [--service issuer|face-api] [--minutes 10] [--fraction 0.7] [--capacity N]
 *                               [--warmup-minutes 2] [--sample-seconds 5] [--chunk-seconds 30] [--connections 256]
 *                               [--max-drift 0.1]
 *
 * The capacity is measured first in closed loop (after a 5 s warm-up) unless --capacity is given. The load runs
 * in chunks of --chunk-seconds (each waits for its last answer; a per-chunk line shows rate, p50/p99 and
 * answers, so latency drift shows too). Intended refusals are 503 `ServerOverloaded` and 429 (the per-ISV
 * limit): counted and reported, not failures, though at 70 % of capacity there should be none. Everything
 * else that is not 200, and every socket error, is a failure. At the end every accepted request must have its
 * event (as in overload.ts). Setup as overload.ts (overload-targets.ts).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { quantile, runPaced } from './exchange-paced';
import { measureCapacity, rssMiB, startTarget, TARGET_NAMES, type TargetName } from './overload-targets';

const { values: args } = parseArgs({
  options: {
    service: { type: 'string', default: 'issuer' },
    minutes: { type: 'string', default: '10' },
    fraction: { type: 'string', default: '0.7' },
    capacity: { type: 'string' },
    'warmup-minutes': { type: 'string', default: '2' },
    'sample-seconds': { type: 'string', default: '5' },
    'chunk-seconds': { type: 'string', default: '30' },
    connections: { type: 'string', default: '256' },
    'max-drift': { type: 'string', default: '0.1' },
  },
});
const service = args.service as TargetName;
if (!TARGET_NAMES.includes(service)) throw new Error(`--service takes ${TARGET_NAMES.join(' or ')}`);
const minutes = Number(args.minutes);
const fraction = Number(args.fraction);
const warmupMinutes = Number(args['warmup-minutes']);
const sampleSeconds = Number(args['sample-seconds']);
const chunkSeconds = Number(args['chunk-seconds']);
const connections = Number(args.connections);
const maxDrift = Number(args['max-drift']);
if (
  ![minutes, fraction, sampleSeconds, chunkSeconds, connections, maxDrift].every((n) => n > 0) ||
  !(warmupMinutes >= 0) ||
  warmupMinutes >= minutes
) {
  throw new Error(
    '--minutes, --fraction, --sample-seconds, --chunk-seconds, --connections and --max-drift take numbers > 0; --warmup-minutes ≥ 0 and < --minutes',
  );
}

const INTENDED = new Set([429, 503]);
/** The median of some numbers (NaN for none). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Sample {
  readonly atSeconds: number;
  readonly rssMiB: number;
}

async function main(): Promise<void> {
  console.log(
    `load average (1/5/15 min) before: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' / ')}`,
  );
  const target = await startTarget(service);
  let passed = false;
  try {
    let accepted = 0;
    let unanswered = 0;
    const warm = await measureCapacity(target, 5, 64);
    accepted += warm.ok;
    unanswered += warm.unanswered;
    let capacity = Number(args.capacity);
    if (!(capacity > 0)) {
      const measured = await measureCapacity(target, 10, 64);
      capacity = measured.rate;
      accepted += measured.ok;
      unanswered += measured.unanswered;
    }
    const rate = Math.max(1, Math.round(fraction * capacity));
    console.log(`${service}: ${fmt(rate)} req/s (${fraction} × ${fmt(capacity)} measured) for ${minutes} min, ${connections} connections at most`);

    const started = Date.now();
    const samples: Sample[] = [];
    const sample = () => samples.push({ atSeconds: (Date.now() - started) / 1000, rssMiB: rssMiB(target.pid) });
    sample();
    const sampler = setInterval(sample, sampleSeconds * 1000);
    const totals = new Map<number, number>();
    let socketErrors = 0;
    try {
      for (let chunk = 0; (Date.now() - started) / 1000 < minutes * 60; chunk++) {
        const remaining = minutes * 60 - (Date.now() - started) / 1000;
        const seconds = Math.max(1, Math.min(chunkSeconds, Math.round(remaining)));
        const result = await runPaced({ url: target.url, rate, seconds, connections, next: (i) => target.request(i) });
        for (const [status, n] of result.statuses) totals.set(status, (totals.get(status) ?? 0) + n);
        socketErrors += result.errors;
        accepted += result.statuses.get(200) ?? 0;
        unanswered += result.errors;
        const answers = [...result.statuses].map(([status, n]) => `${status} × ${fmt(n)}`).join(', ');
        console.log(
          `t=${fmt((Date.now() - started) / 1000)} s  chunk ${chunk + 1}: p50 ${fmt(quantile(result.latenciesMs, 0.5), 1)} ms, p99 ${fmt(quantile(result.latenciesMs, 0.99), 1)} ms; ${answers}; socket errors ${result.errors}; RSS ${fmt(samples[samples.length - 1]?.rssMiB ?? Number.NaN, 1)} MiB`,
        );
      }
    } finally {
      clearInterval(sampler);
    }
    sample();

    const values = samples.filter((s) => s.atSeconds >= warmupMinutes * 60).map((s) => s.rssMiB);
    const third = Math.max(1, Math.floor(values.length / 3));
    const early = median(values.slice(0, third));
    const late = median(values.slice(-third));
    const drift = Math.abs(late - early) / early;
    const [low, high] = [Math.min(...values), Math.max(...values)];
    const unintended = [...totals].filter(([status]) => status !== 200 && !INTENDED.has(status));
    const intended = [...totals].filter(([status]) => INTENDED.has(status));
    const check = await target.checkEvents(accepted, unanswered);

    console.log(`\nRSS samples every ${sampleSeconds} s (MiB): ${samples.map((s) => fmt(s.rssMiB, 0)).join(' ')}`);
    console.log(
      `RSS after the ${warmupMinutes}-min warm-up (${values.length} samples): median of the first third ${fmt(early, 1)} MiB, of the last third ${fmt(late, 1)} MiB: drift ${fmt(100 * (late / early - 1), 1)} % (limit ±${fmt(100 * maxDrift, 0)} %); min ${fmt(low, 1)}, max ${fmt(high, 1)} MiB`,
    );
    console.log(`answers: ${[...totals].map(([status, n]) => `${status} × ${fmt(n)}`).join(', ')}; socket errors ${socketErrors}`);
    console.log(`intended refusals: ${intended.length === 0 ? 'none' : intended.map(([s, n]) => `${s} × ${n}`).join(', ')}`);
    console.log(
      `unintended errors: ${unintended.length === 0 && socketErrors === 0 ? 'none' : `${unintended.map(([s, n]) => `${s} × ${n}`).join(', ')} (+${socketErrors} socket errors)`}`,
    );
    console.log(`events: ${check.ok ? 'OK' : 'MISMATCH'}: ${check.summary}`);
    passed = drift <= maxDrift && unintended.length === 0 && socketErrors === 0 && check.ok;
    console.log(`verdict: ${passed ? 'PASS' : 'FAIL'}`);
  } finally {
    await target.stop();
    console.log(
      `load average (1/5/15 min) after: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' / ')}`,
    );
  }
  if (!passed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
