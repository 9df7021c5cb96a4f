/**
 * Local Kafka broker for development and CI (see libs/testing/src/lib/kafka).
 *
 *   npx tsx tools/scripts/kafka.ts fetch    # cache the broker jars (mvn)
 *   npx tsx tools/scripts/kafka.ts start    # detached broker; last line KAFKA_BROKERS=...
 *   npx tsx tools/scripts/kafka.ts status   # exit 0 and KAFKA_BROKERS=... if running, else 1
 *   npx tsx tools/scripts/kafka.ts stop     # stop it and delete its data (0 if none)
 *
 * Env: KAFKA_PORT pins the client port (a free one otherwise).
 * Progress goes to stderr so stdout stays machine-readable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  KAFKA_VERSION,
  KafkaBroker,
  canConnect,
  ensureKafkaJars,
  findRepoRoot,
  isAlive,
  stopProcess,
} from '../../libs/testing/src/lib/kafka/kafka-broker';

/** What `start` leaves behind for `stop` and `status`. */
interface BrokerState {
  pid: number;
  brokers: string[];
  dataDir: string;
  version: string;
}

const runDir = join(findRepoRoot(), '.cache', 'kafka', 'run');
const stateFile = join(runDir, 'state.json');
const logFile = join(runDir, 'broker.log');
const info = (line: string): void => void process.stderr.write(`[kafka] ${line}\n`);

function readState(): BrokerState | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as BrokerState;
  } catch {
    return undefined; // a torn write is as good as no state
  }
}

/**
 * The recorded broker, if its pid is still a Kafka JVM. Checking the command
 * line guards against killing an unrelated process that reused the pid.
 */
function runningBroker(): BrokerState | undefined {
  const state = readState();
  if (!state || !isAlive(state.pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${state.pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka') ? state : undefined;
  } catch {
    return state; // no /proc: trust the pid
  }
}

function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`KAFKA_PORT must be a TCP port number, got "${raw}"`);
  }
  return port;
}

async function fetchJars(): Promise<number> {
  const dir = await ensureKafkaJars({ log: info });
  info(`Kafka ${KAFKA_VERSION} jars in ${dir}`);
  return 0;
}

async function start(): Promise<number> {
  const existing = runningBroker();
  if (existing) {
    info(`already running (pid ${existing.pid}); log: ${logFile}`);
    console.log(`KAFKA_BROKERS=${existing.brokers.join(',')}`);
    return 0;
  }
  await mkdir(runDir, { recursive: true });
  const broker = await KafkaBroker.start({
    port: parsePort(process.env['KAFKA_PORT']),
    logFile,
    detached: true, // must outlive this CLI process
    log: info,
  });
  if (broker.pid === undefined) throw new Error('broker started without a pid');
  const state: BrokerState = {
    pid: broker.pid,
    brokers: broker.brokers,
    dataDir: broker.dataDir,
    version: KAFKA_VERSION,
  };
  await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  info(`pid ${state.pid}, data ${state.dataDir}, log ${logFile}`);
  console.log(`KAFKA_BROKERS=${state.brokers.join(',')}`);
  return 0;
}

async function stop(): Promise<number> {
  const state = readState();
  if (!state) {
    info('not running');
    return 0;
  }
  if (runningBroker()) {
    info(`stopping pid ${state.pid}`);
    await stopProcess(state.pid);
  } else {
    info(`pid ${state.pid} is not running; cleaning up`);
  }
  // The CLI always uses a temp data dir, so it is ours to delete.
  await rm(state.dataDir, { recursive: true, force: true });
  await rm(stateFile, { force: true });
  return 0;
}

async function status(): Promise<number> {
  const state = runningBroker();
  if (!state) {
    info('not running');
    return 1;
  }
  const port = Number(state.brokers[0]?.split(':')[1]);
  const serving = await canConnect(port);
  info(`pid ${state.pid} ${serving ? 'serving' : 'NOT accepting connections'}; log: ${logFile}`);
  if (serving) console.log(`KAFKA_BROKERS=${state.brokers.join(',')}`);
  return serving ? 0 : 1;
}

const commands: Record<string, () => Promise<number>> = { fetch: fetchJars, start, stop, status };

async function main(): Promise<number> {
  const name = process.argv[2] ?? '';
  const command = commands[name];
  if (!command) {
    info(`usage: npx tsx tools/scripts/kafka.ts <${Object.keys(commands).join('|')}>`);
    return 2;
  }
  return command();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    info(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
