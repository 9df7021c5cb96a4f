import { Writable } from 'node:stream';
import type { Type } from '@nestjs/common';
import { createServiceApp, type ServiceHandle } from '@latchkey/http';
import { EventBus, KafkaTransport } from '@latchkey/messaging';
import { openDatabase, type Database } from '@latchkey/persistence';
import { createScratchDatabase, testDatabaseUrl, testKafkaBrokers, type ScratchDatabase } from '@latchkey/testing';

/** One service booted against the real infrastructure, with test-side access to both. */
export interface ServiceUnderTest {
  /** The running app; replaced by `restart()`. */
  readonly handle: ServiceHandle;
  /** A producer on the same Kafka cluster, for events the service consumes. */
  readonly bus: EventBus;
  /** The service's own (scratch) database, for asserting on what it stored. */
  readonly database: Database;
  /** Every log line the service wrote, as parsed JSON. */
  readonly logs: Record<string, unknown>[];
  /** Stops the app and boots it again on the same database, as a process restart would. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Captures pino's JSON lines in memory instead of stdout. */
function memoryLogStream(into: Record<string, unknown>[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) into.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
}

/** Polls `/readyz` until 200; fails the boot after `timeoutMs` with the last answer. */
async function waitUntilReady(handle: ServiceHandle, name: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await handle.app.inject({ method: 'GET', url: '/readyz' });
    if (response.statusCode === 200) return;
    last = response.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} was not ready within ${timeoutMs} ms: ${last}`);
}

/**
 * Boots `module` as the named service the way production does (createServiceApp,
 * its real migrations, KafkaTransport), on a free port, against a PostgreSQL
 * database of its own and the Kafka broker of the test run. Configuration
 * reaches the service through the environment, as it would in a container.
 */
export async function startServiceUnderTest(
  name: string,
  module: Type,
  options: { readonly env?: Readonly<Record<string, string>> } = {},
): Promise<ServiceUnderTest> {
  const serverUrl = testDatabaseUrl();
  const brokers = testKafkaBrokers();
  if (!serverUrl || !brokers) throw new Error('startServiceUnderTest needs real Kafka and PostgreSQL (use describeWithInfrastructure)');
  const scratch: ScratchDatabase = await createScratchDatabase(serverUrl, name);
  process.env['DATABASE_URL'] = scratch.url;
  process.env['KAFKA_BROKERS'] = brokers.join(',');
  process.env['LOG_LEVEL'] = 'info';
  Object.assign(process.env, options.env ?? {});
  const logs: Record<string, unknown>[] = [];
  // Like an orchestrator, hand the service to the test only once /readyz says so
  // (e.g. a verifier has loaded the revocation topic).
  const boot = async () => {
    const app = await createServiceApp({ name, module, port: 0, logStream: memoryLogStream(logs) });
    await waitUntilReady(app, name);
    return app;
  };
  // A service that fails to boot must not leave its scratch database behind.
  let handle = await boot().catch(async (error: unknown) => {
    await scratch.drop().catch(() => undefined);
    throw error;
  });
  const bus = new EventBus({ source: '/latchkey/test', transport: new KafkaTransport({ brokers, clientId: `test-${name}` }) });
  await bus.connect();
  const database = await openDatabase({ url: scratch.url });
  return {
    get handle() {
      return handle;
    },
    bus,
    database,
    logs,
    restart: async () => {
      await handle.close();
      handle = await boot();
    },
    stop: async () => {
      await bus.close();
      await database.close();
      await handle.close();
      await scratch.drop();
    },
  };
}
