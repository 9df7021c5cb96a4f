/**
 * The printed result of tools/bench/token-use.ts: one table, the issue's
 * targets with PASS/MISS, the cost of recording each use, what signing the
 * token pools took, and the check that every served request was recorded,
 * so a run can be pasted into docs/BENCHMARKS.md as it is.
 */
import { cpus } from 'node:os';
import type autocannon from 'autocannon';
import type { SignatureRate } from '@latchkey/tokens';
import type { CpuSplit } from './cpu-meter';

/** The targets (issue 4, "Benchmark"). */
const TARGET_REUSED_SHARE_OF_UNGUARDED = 0.75;
const TARGET_FRESH_SHARE_OF_VERIFY_ONLY = 0.8;

/** Where the machine's CPU went, in cores, with the Kafka broker apart from `other`; and how busy the face-api's event loop was. */
export type TokenUseCpu = CpuSplit & {
  readonly kafka: number;
  /** Cores used by the face-api's main thread alone (`server` counts all its threads). */
  readonly serverMainThread: number;
  /** Share of the time its event loop was busy (performance.eventLoopUtilization). */
  readonly eventLoopUtilization: number;
};

export interface TokenUseRun {
  readonly scenario: string;
  readonly alg: string;
  readonly connections: number;
  /** Which repetition of the scenario sequence (--rounds). */
  readonly round: number;
  readonly result: autocannon.Result;
  readonly cpu: TokenUseCpu;
  /** Requests that reused a token because the fresh pool ran out (the run is then not "fresh"). */
  readonly poolExhausted: number;
  /** Events per Kafka send (the publisher's batching); 0 when nothing was sent. */
  readonly eventsPerSend: number;
}

export interface PoolSigning {
  readonly scenario: string;
  readonly alg: string;
  readonly tokens: number;
  readonly ms: number;
}

export interface RecordingCheck {
  /** Guarded 200s while the real recorder was on, warm-ups included. */
  readonly served: number;
  /** Requests of those runs still in flight when a run's time was up (the server completes them). */
  readonly unanswered: number;
  readonly usedViaBus: number;
  readonly usedViaSpool: number;
  readonly refused: number;
  /** `lat.used` / `lat.rejected` records appended to Kafka between the first run and the end (spool drained). */
  readonly kafkaUsed: number;
  readonly kafkaRejected: number;
}

export interface TokenUseReport {
  readonly brokers: string;
  readonly postgres: string;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly logLevel: string;
  readonly telemetry: boolean;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly runs: readonly TokenUseRun[];
  readonly pools: readonly PoolSigning[];
  readonly recording: RecordingCheck;
  /** jose's raw rates in the bench process with the server idle, per algorithm. */
  readonly raw: readonly SignatureRate[];
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => x.toFixed(1);
const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

/** Completed requests per second over the whole run. */
export function perSecond(run: TokenUseRun): number {
  return run.result.requests.total / run.result.duration;
}

/** Milliseconds of face-api CPU per request: all threads, or the main thread alone. */
function serverMsPerRequest(run: TokenUseRun, mainThread = false): number {
  return ((mainThread ? run.cpu.serverMainThread : run.cpu.server) / perSecond(run)) * 1000;
}

function row(run: TokenUseRun): string {
  const { latency, non2xx, errors } = run.result;
  const c = run.cpu;
  return [
    String(run.round).padStart(5),
    run.scenario.padEnd(20),
    run.alg.padEnd(5),
    String(run.connections).padStart(5),
    int(perSecond(run)).padStart(7),
    ms(latency.p50).padStart(6),
    ms(latency.p97_5).padStart(6),
    ms(latency.p99).padStart(6),
    String(non2xx + errors).padStart(6),
    serverMsPerRequest(run).toFixed(3).padStart(7),
    serverMsPerRequest(run, true).toFixed(3).padStart(6),
    `${Math.round(run.cpu.eventLoopUtilization * 100)}%`.padStart(5),
    (run.eventsPerSend > 0 ? run.eventsPerSend.toFixed(1) : '-').padStart(6),
    '  ' + [c.server, c.loadGenerator, c.kafka, c.postgres, c.other, c.idle].map((x) => x.toFixed(2).padStart(5)).join(' '),
    run.poolExhausted > 0 ? `  POOL EXHAUSTED (${run.poolExhausted} reused)` : '',
  ].join(' ');
}

function find(runs: readonly TokenUseRun[], scenario: string, connections: number, round: number): TokenUseRun | undefined {
  return runs.find((r) => r.scenario === scenario && r.connections === connections && r.round === round);
}

function printTargets(runs: readonly TokenUseRun[]): void {
  console.log('\ntargets and ratios');
  const groups = [...new Set(runs.map((r) => `${r.round} ${r.connections}`))].map((key) => key.split(' ').map(Number) as [number, number]);
  for (const [round, connections] of groups) {
    const at = (scenario: string) => find(runs, scenario, connections, round);
    const [unguarded, reused, fresh, verifyOnly, noop, verifyEs256] = [
      at('unguarded'),
      at('guarded-reused'),
      at('guarded-fresh'),
      at('verify-only'),
      at('guarded-reused-noop'),
      at('verify-only-es256'),
    ];
    console.log(`  round ${round}, ${connections} connections:`);
    if (reused && unguarded) {
      const share = perSecond(reused) / perSecond(unguarded);
      console.log(`    (a) guarded, token reused / unguarded: ${share.toFixed(2)} (target ≥ ${TARGET_REUSED_SHARE_OF_UNGUARDED}) ${verdict(share >= TARGET_REUSED_SHARE_OF_UNGUARDED)}`);
    }
    if (fresh && verifyOnly) {
      const share = perSecond(fresh) / perSecond(verifyOnly);
      console.log(`    (b) guarded, fresh token / verify-only: ${share.toFixed(2)} (target ≥ ${TARGET_FRESH_SHARE_OF_VERIFY_ONLY}) ${verdict(share >= TARGET_FRESH_SHARE_OF_VERIFY_ONLY)}`);
    }
    if (reused && noop) {
      const cpu = serverMsPerRequest(reused) - serverMsPerRequest(noop);
      const main = serverMsPerRequest(reused, true) - serverMsPerRequest(noop, true);
      const kafka = (reused.cpu.kafka / perSecond(reused)) * 1000;
      console.log(
        `    recording each use (guarded-reused vs the same with a no-op recorder): throughput ×${(perSecond(reused) / perSecond(noop)).toFixed(2)}, ` +
          `p99 ${ms(noop.result.latency.p99)} → ${ms(reused.result.latency.p99)} ms, face-api CPU ${signed(cpu)} ms/request (main thread ${signed(main)}), ` +
          `broker ${kafka.toFixed(3)} ms/request`,
      );
    }
    if (reused && fresh) console.log(`    fresh / reused guarded throughput: ${(perSecond(fresh) / perSecond(reused)).toFixed(2)}`);
    const freshEs256 = at('guarded-fresh-es256');
    if (freshEs256 && verifyEs256) {
      const share = perSecond(freshEs256) / perSecond(verifyEs256);
      console.log(`    (b) with ES256 tokens: guarded-fresh-es256 / verify-only-es256: ${share.toFixed(2)} (target ≥ ${TARGET_FRESH_SHARE_OF_VERIFY_ONLY}) ${verdict(share >= TARGET_FRESH_SHARE_OF_VERIFY_ONLY)}`);
    }
    if (verifyOnly && verifyEs256) {
      console.log(`    verify-only ES256 / EdDSA: ${int(perSecond(verifyEs256))} / ${int(perSecond(verifyOnly))} req/s (${(perSecond(verifyEs256) / perSecond(verifyOnly)).toFixed(2)})`);
    }
  }
}

function printRecording(v: RecordingCheck): void {
  const accepted = v.usedViaBus + v.usedViaSpool;
  const inRange = accepted >= v.served && accepted <= v.served + v.unanswered;
  console.log(
    `\nrecording: ${int(accepted)} lat.used accepted by the publisher (${int(v.usedViaBus)} by Kafka, ${int(v.usedViaSpool)} spooled) ` +
      `for ${int(v.served)} guarded 200s + ${v.unanswered} in flight when runs stopped (warm-ups included): ${inRange ? 'CONSISTENT' : 'MISMATCH'}; ` +
      `${v.refused} refused`,
  );
  console.log(
    `           ${int(v.kafkaUsed)} lat.used records appended to Kafka (${v.kafkaUsed === accepted ? 'EQUAL to the accepted' : 'DIFFERENT from the accepted: another producer, or a spooled batch delivered twice'}); ` +
      `${int(v.kafkaRejected)} lat.rejected`,
  );
}

/** True when every served request was recorded and nothing was refused. */
export function recordingConsistent(v: RecordingCheck): boolean {
  const accepted = v.usedViaBus + v.usedViaSpool;
  return accepted >= v.served && accepted <= v.served + v.unanswered && v.kafkaUsed === accepted && v.refused === 0;
}

export function printReport(r: TokenUseReport): void {
  const cpu = cpus();
  console.log(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; ${r.postgres}; Kafka ${r.brokers}`);
  console.log(
    `${r.seconds} s per run after a ${r.warmupSeconds} s warm-up; pipelining 1; LOG_LEVEL=${r.logLevel}; telemetry ${r.telemetry ? 'on (no exporter)' : 'off'}`,
  );
  console.log(`load average (1/5/15 min) ${load(r.loadBefore)} before → ${load(r.loadAfter)} after\n`);
  console.log('                                                latency (ms)              face-api ms/req  event events  CPU (cores): face-api loadgen kafka postgres other idle');
  console.log('round scenario             alg   conns   req/s    p50  p97.5    p99 errors    all   main   loop  /send');
  for (const run of r.runs) console.log(row(run));
  printTargets(r.runs);
  console.log('\nraw jwtVerify (jose, pre-imported key, bench process, server idle)');
  for (const { alg, verify, verifyConcurrent } of r.raw) {
    console.log(
      `  ${alg.padEnd(5)} ${int(verify.perSecond)}/s with 1 in flight, ${int(verifyConcurrent.perSecond)}/s with ${verifyConcurrent.concurrency} in flight ` +
        `(${int(verifyConcurrent.perCpuSecond)} per CPU-second)`,
    );
  }
  console.log('\ntoken pools (signed in this process before each run, outside the measured window)');
  for (const p of r.pools) {
    console.log(`  ${p.scenario.padEnd(20)} ${p.alg.padEnd(5)} ${int(p.tokens).padStart(8)} tokens in ${(p.ms / 1000).toFixed(1)} s (${int((p.tokens / p.ms) * 1000)}/s)`);
  }
  printRecording(r.recording);
}
