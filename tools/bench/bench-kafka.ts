/**
 * The Kafka broker of the token-use benchmarks: where it is (KAFKA_BROKERS,
 * else the local broker of tools/scripts/kafka.ts, started if needed), how
 * far a topic goes (to count the events a run appended), and how much CPU
 * its JVM used (it shares the two cores with the face-api).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaTransport } from '@latchkey/messaging';

const ROOT = join(__dirname, '..', '..');
/** /proc reports CPU time in USER_HZ ticks, 100 per second on Linux. */
const TICKS_PER_SECOND = 100;

function kafkaScript(command: 'status' | 'start'): string | undefined {
  const run = spawnSync('npx', ['tsx', 'tools/scripts/kafka.ts', command], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) return undefined;
  return /^KAFKA_BROKERS=(.+)$/m.exec(run.stdout)?.[1]?.trim();
}

/**
 * KAFKA_BROKERS when set; otherwise the local broker (tools/scripts/kafka.ts
 * status), started when none runs (it stays running afterwards:
 * `npx tsx tools/scripts/kafka.ts stop`).
 */
export function kafkaBrokers(): string {
  const configured = process.env['KAFKA_BROKERS'];
  if (configured) return configured;
  const brokers = kafkaScript('status') ?? kafkaScript('start');
  if (!brokers) throw new Error('no Kafka broker: set KAFKA_BROKERS or run `npx tsx tools/scripts/kafka.ts start`');
  return brokers;
}

/** The offset the next message of `topic` will get, summed over its partitions: how many it ever held. */
export async function topicEnd(transport: KafkaTransport, topic: string): Promise<bigint> {
  // A group that never committed: only the topic's ends matter here.
  const progress = await transport.progress('latchkey-bench.offsets', topic);
  return progress.reduce((sum, p) => sum + p.end, 0n);
}

/** CPU ticks of each Kafka broker JVM (a command line naming kafka.Kafka), by pid. */
export function kafkaTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('kafka.Kafka')) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(entry, Number(rest[11]) + Number(rest[12])); // fields 14 and 15: utime, stime
    } catch {
      continue; // exited meanwhile
    }
  }
  return ticks;
}

/** Cores the broker used on average between two {@link kafkaTicks} samples `seconds` apart. */
export function kafkaCores(from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>, seconds: number): number {
  let delta = 0;
  for (const [pid, ticks] of to) delta += ticks - (from.get(pid) ?? 0);
  return delta / TICKS_PER_SECOND / seconds;
}
