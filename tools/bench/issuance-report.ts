/**
 * The printed result of tools/bench/issuance.ts: one table, then the ratios
 * and the issue's targets, each with PASS/MISS, so a run can be pasted into
 * docs/BENCHMARKS.md as it is.
 */
import { cpus } from 'node:os';
import type autocannon from 'autocannon';
import type { SignatureRate } from '@latchkey/tokens';
import type { CpuSplit } from './cpu-meter';

/** The issue's targets (issue 3, "Benchmark"). */
const TARGET_TOKENS_PER_SECOND = 3_000;
const TARGET_P99_MS = 25;
const TARGET_SHARE_OF_SIGN_ONLY = 0.5;

export interface Run {
  readonly route: 'issuance' | 'sign-only';
  readonly connections: number;
  readonly result: autocannon.Result;
  readonly cpu: CpuSplit;
}

export interface Verification {
  readonly responses2xx: number;
  /** Sent but not answered when a run's time was up (at most its connection count). */
  readonly unanswered: number;
  readonly issuanceRows: number;
  readonly issuedEvents: number;
  readonly unpublishedEvents: number;
}

export interface Report {
  readonly alg: string;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly postgres: string;
  readonly telemetry: boolean;
  readonly logLevel: string;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly runs: readonly Run[];
  readonly raw: SignatureRate;
  readonly verification: Verification;
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => x.toFixed(1);
const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** Completed requests per second over the whole run (autocannon's `duration` is in seconds). */
export function perSecond(run: Run): number {
  return run.result.requests.total / run.result.duration;
}

function row(run: Run): string {
  const { latency, non2xx, errors } = run.result;
  const c = run.cpu;
  return [
    run.route.padEnd(9),
    String(run.connections).padStart(5),
    int(perSecond(run)).padStart(7),
    ms(latency.p50).padStart(6),
    ms(latency.p97_5).padStart(6),
    ms(latency.p99).padStart(6),
    String(non2xx + errors).padStart(6),
    '  ' + [c.server, c.loadGenerator, c.postgres, c.other, c.idle].map((x) => x.toFixed(2).padStart(5)).join(' '),
  ].join(' ');
}

export function printReport(r: Report): void {
  const cpu = cpus();
  console.log(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; ${r.postgres}`);
  console.log(
    `${r.alg}; ${r.seconds} s per run after a ${r.warmupSeconds} s warm-up; pipelining 1; LOG_LEVEL=${r.logLevel}; ` +
      `telemetry ${r.telemetry ? 'on (no exporter)' : 'off'}`,
  );
  console.log(`load average (1/5/15 min) ${load(r.loadBefore)} before → ${load(r.loadAfter)} after\n`);
  console.log('                          latency (ms)               CPU (cores): server loadgen postgres other idle');
  console.log('route     conns   req/s    p50  p97.5    p99 errors');
  for (const run of r.runs) console.log(row(run));

  const { sign, signConcurrent } = r.raw;
  console.log(
    `\nraw ${r.alg} sign (jose, bench process, server idle): ${int(sign.perSecond)}/s with 1 in flight, ` +
      `${int(signConcurrent.perSecond)}/s with ${signConcurrent.concurrency} in flight (${int(signConcurrent.perCpuSecond)} per CPU-second)`,
  );

  console.log('\nratios and targets');
  for (const issued of r.runs.filter((run) => run.route === 'issuance')) {
    const signOnly = r.runs.find((run) => run.route === 'sign-only' && run.connections === issued.connections);
    const rate = perSecond(issued);
    // The throughput target counts only if the tail holds at that throughput.
    const fast = rate >= TARGET_TOKENS_PER_SECOND && issued.result.latency.p99 < TARGET_P99_MS;
    const share = signOnly ? rate / perSecond(signOnly) : Number.NaN;
    console.log(
      `  ${String(issued.connections).padStart(3)} connections: ${int(rate)} tokens/s at p99 ${ms(issued.result.latency.p99)} ms ` +
        `(target ≥ ${int(TARGET_TOKENS_PER_SECOND)}/s at p99 < ${TARGET_P99_MS} ms) ${verdict(fast)}` +
        `${rate < TARGET_TOKENS_PER_SECOND ? ` (${((1 - rate / TARGET_TOKENS_PER_SECOND) * 100).toFixed(0)}% short)` : ''}; ` +
        (signOnly
          ? `issuance/sign-only ${share.toFixed(2)} (target ≥ ${TARGET_SHARE_OF_SIGN_ONLY}) ${verdict(share >= TARGET_SHARE_OF_SIGN_ONLY)}; `
          : 'issuance/sign-only not measured; ') +
        `issuance/raw sign ${(rate / signConcurrent.perSecond).toFixed(2)}`,
    );
  }

  const v = r.verification;
  const expected = v.responses2xx + v.unanswered;
  console.log(
    `\ndurable recording: ${int(v.issuanceRows)} issuer.issuances rows for ${int(v.responses2xx)} issuance 200s ` +
      `+ ${v.unanswered} requests in flight when runs stopped (warm-ups included): ` +
      `${v.issuanceRows === expected ? 'EQUAL' : `MISMATCH (expected ${int(expected)})`}; ` +
      `${int(v.issuedEvents)} lat.issued outbox rows, ${int(v.unpublishedEvents)} not yet relayed`,
  );
}
