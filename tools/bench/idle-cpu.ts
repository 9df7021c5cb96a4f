/**
 * What the platform costs when nobody uses it: boots the standalone platform (`npm start`'s entry, every
 * service in one process) on a fresh data folder, waits for its welcome text and a settling time, then reads
 * the process's CPU time and context switches from /proc over a window (Linux only). With KAFKA_BROKERS set
 * the services talk over that broker, as a deployment does; without it, over the in-process bus.
 *
 *   npx tsx tools/bench/idle-cpu.ts                      # in-process bus
 *   KAFKA_BROKERS=… npx tsx tools/bench/idle-cpu.ts      # on Kafka
 *   options: --seconds 60 --settle 20
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { waitForIdleMachine } from './idle-machine';

const ROOT = resolve(__dirname, '../..');
/** /proc reports CPU time in USER_HZ ticks, 100 per second on Linux. */
const TICKS_PER_SECOND = 100;

interface ProcessSample {
  readonly atMs: number;
  readonly cpuTicks: number;
  readonly contextSwitches: number;
}

function sample(pid: number): ProcessSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const switches = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return {
    atMs: Date.now(),
    cpuTicks: Number(fields[11]) + Number(fields[12]), // utime + stime, every thread of the process
    contextSwitches: switches('voluntary_ctxt_switches') + switches('nonvoluntary_ctxt_switches'),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, settle: { type: 'string', default: '20' } } });
  const seconds = Number(values.seconds);
  const settleSeconds = Number(values.settle);
  await waitForIdleMachine(0.8);

  const dataDir = mkdtempSync(join(tmpdir(), 'lk-idle-'));
  const env = { ...process.env, LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/standalone/src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const bootDeadline = Date.now() + 120_000;
    while (!output.includes('Press Ctrl-C')) {
      if (child.exitCode !== null || Date.now() > bootDeadline) throw new Error(`the standalone platform did not start:\n${output.slice(-2000)}`);
      await sleep(200);
    }
    await sleep(settleSeconds * 1000);
    const pid = child.pid;
    if (pid === undefined) throw new Error('no pid');
    const before = sample(pid);
    await sleep(seconds * 1000);
    const after = sample(pid);
    const wall = (after.atMs - before.atMs) / 1000;
    const core = (after.cpuTicks - before.cpuTicks) / TICKS_PER_SECOND / wall;
    console.log(`idle cpu, ${new Date().toISOString()}, bus: ${process.env['KAFKA_BROKERS'] ? 'Kafka' : 'in-process'}`);
    console.log(`over ${wall.toFixed(1)} s after ${settleSeconds} s of settling: ${(core * 100).toFixed(1)} % of a core`);
    console.log(`context switches: ${((after.contextSwitches - before.contextSwitches) / wall).toFixed(0)}/s`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
