import { performance } from 'node:perf_hooks';

/**
 * How fast an operation ran: by the wall clock, and per second of this
 * process's CPU time (all its threads). On a shared machine the wall-clock
 * rate moves with whatever else runs; the CPU-time rate is the operation's
 * own cost.
 */
export type OperationRate = {
  readonly concurrency: number;
  readonly count: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly perSecond: number;
  readonly perCpuSecond: number;
};

/**
 * Runs `work` for about `durationMs` with `concurrency` calls in flight
 * and meters it. Concurrency matters for `jose` on Node: it signs and
 * verifies with the callback form of `crypto.sign`/`crypto.verify`, which
 * runs on libuv's thread pool, so one call at a time measures latency and
 * many in flight measure what a busy server gets from all cores.
 */
export async function measureOperationRate(
  durationMs: number,
  work: () => Promise<unknown>,
  concurrency = 1,
): Promise<OperationRate> {
  let count = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      await work();
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return rateOf(concurrency, count, wallMs, (cpu.user + cpu.system) / 1000);
}

/** Adds up rates measured in several rounds (e.g. interleaved between algorithms) at one concurrency. */
export function sumOperationRates(rates: readonly OperationRate[]): OperationRate {
  const total = (pick: (r: OperationRate) => number) => rates.reduce((sum, r) => sum + pick(r), 0);
  return rateOf(rates[0]?.concurrency ?? 1, total((r) => r.count), total((r) => r.wallMs), total((r) => r.cpuMs));
}

function rateOf(concurrency: number, count: number, wallMs: number, cpuMs: number): OperationRate {
  return {
    concurrency,
    count,
    wallMs,
    cpuMs,
    perSecond: wallMs > 0 ? (count * 1000) / wallMs : 0,
    perCpuSecond: cpuMs > 0 ? (count * 1000) / cpuMs : 0,
  };
}
