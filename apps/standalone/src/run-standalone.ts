import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { ConfigError, loadConfig, platformConfig, registeredConfigSlices, servicePortConfig, validateConfig } from '@latchkey/config';
import { createServiceApp, handleShutdownSignals, waitUntilReady, type ServiceHandle } from '@latchkey/http';
import { setServiceName } from '@latchkey/telemetry';
import { seedDemo } from './demo-credentials';
import { printWelcome } from './welcome';
import { SERVICES } from './services';

/** How often readiness is evaluated before the ready lines. */
const READINESS_POLL_MS = 100;

/**
 * `npm start`: every service in this one process, each its own Nest app on
 * its own port, sharing one embedded database (a schema each) and, without
 * KAFKA_BROKERS, the in-process bus. Prints `<name> ready on <url>` per
 * service once its readiness checks pass, seeds the demo records, and stops
 * everything on SIGINT/SIGTERM (services in reverse start order).
 */
export async function runStandalone(): Promise<void> {
  const started: ServiceHandle[] = [];
  const shutdown = async () => {
    for (const handle of [...started].reverse()) await handle.close();
  };
  try {
    validateConfig([platformConfig, ...SERVICES.map((s) => servicePortConfig(s.name)), ...registeredConfigSlices()]);
    const config = loadConfig(platformConfig);
    // One process, one trace resource: spans of all six services share it.
    setServiceName('standalone');
    const logDir = join(config.LATCHKEY_DATA_DIR, 'logs');
    await mkdir(logDir, { recursive: true });
    // Six services' JSON logs would bury the ready lines: they go to one file
    // here (a service run on its own logs to stdout, as a container should).
    const logFile = join(logDir, 'standalone.log');
    const logStream = pino.destination({ dest: logFile, mkdir: true, sync: false });
    handleShutdownSignals(async () => {
      await shutdown();
      logStream.flushSync();
    });
    for (const service of SERVICES) {
      const handle = await createServiceApp({ name: service.name, module: service.module, logStream });
      started.push(handle);
      if (!(await waitUntilReady(handle.readiness, READINESS_POLL_MS))) return;
      process.stdout.write(`${service.name} ready on ${handle.url}\n`);
    }
    const urls = Object.fromEntries(started.map((h) => [h.name, h.url]));
    const apps = new Map(started.map((h) => [h.name, h.app]));
    const seeded = await seedDemo(apps, urls, config.LATCHKEY_DATA_DIR);
    printWelcome(seeded.credentials, seeded.path, seeded.created, logFile);
  } catch (error) {
    // A bad configuration is the operator's to fix: say what, without a stack.
    const message = error instanceof ConfigError ? error.message : `start failed: ${(error as Error).message}`;
    process.stderr.write(`${message}\n`);
    await shutdown().catch(() => undefined);
    process.exit(1);
  }
}
