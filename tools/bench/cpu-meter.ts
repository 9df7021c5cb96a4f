/**
 * Where the machine's CPU went during a measurement. Server, load generator
 * and PostgreSQL share the same two cores here, so a throughput number means
 * little without knowing who was busy: this splits the busy time between the
 * issuer process, this (load-generating) process, PostgreSQL's processes and
 * everything else, from /proc (Linux only).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** /proc reports CPU time in USER_HZ ticks, 100 per second on Linux. */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  readonly atMs: number;
  readonly machineBusyTicks: number;
  readonly machineTotalTicks: number;
  /** CPU ticks of each PostgreSQL process, by pid. */
  readonly postgresTicks: ReadonlyMap<string, number>;
  readonly benchMicros: number;
  readonly serverMicros: number;
}

/** Cores in use on average between two samples (2.0 = both cores busy). */
export interface CpuSplit {
  readonly server: number;
  readonly loadGenerator: number;
  readonly postgres: number;
  readonly other: number;
  readonly idle: number;
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** utime + stime of every process named `postgres` (backends, WAL writer, checkpointer...). */
function postgresTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name is parenthesised and may hold spaces: fields count from after it.
    const close = stat.lastIndexOf(')');
    if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
    const rest = stat.slice(close + 2).split(' ');
    ticks.set(entry, Number(rest[11]) + Number(rest[12])); // fields 14 and 15: utime, stime
  }
  return ticks;
}

/** Samples now; `serverMicros` is the issuer's own process.cpuUsage() total. */
export function sampleCpu(serverMicros: number): CpuSample {
  const machine = machineTicks();
  const bench = process.cpuUsage();
  return {
    atMs: performance.now(),
    machineBusyTicks: machine.busy,
    machineTotalTicks: machine.total,
    postgresTicks: postgresTicks(),
    benchMicros: bench.user + bench.system,
    serverMicros,
  };
}

export function splitCpu(from: CpuSample, to: CpuSample): CpuSplit {
  const seconds = (to.atMs - from.atMs) / 1000;
  const cores = cpus().length;
  const totalTicks = to.machineTotalTicks - from.machineTotalTicks;
  const busyCores = totalTicks > 0 ? ((to.machineBusyTicks - from.machineBusyTicks) / totalTicks) * cores : 0;
  const server = (to.serverMicros - from.serverMicros) / 1e6 / seconds;
  const loadGenerator = (to.benchMicros - from.benchMicros) / 1e6 / seconds;
  // Per pid: a backend that started meanwhile counts from zero; one that
  // exited meanwhile is lost (its time lands in `other`), never negative.
  let postgresDelta = 0;
  for (const [pid, ticks] of to.postgresTicks) postgresDelta += ticks - (from.postgresTicks.get(pid) ?? 0);
  const postgres = postgresDelta / TICKS_PER_SECOND / seconds;
  return {
    server,
    loadGenerator,
    postgres,
    other: Math.max(0, busyCores - server - loadGenerator - postgres),
    idle: Math.max(0, cores - busyCores),
  };
}
