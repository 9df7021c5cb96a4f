import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import {
  ConfigError,
  loadConfig,
  loadServicePort,
  platformConfig,
  registeredConfigSlices,
  servicePortConfig,
  validateConfig,
} from '@latchkey/config';
import { createServiceApp, handleShutdownSignals, waitUntilReady, type ServiceHandle } from '@latchkey/http';
import { setServiceName } from '@latchkey/telemetry';
import { decodeServiceKeySecret, embeddedServiceKeySecret } from '@latchkey/access-guards';
import { rbacConfig } from '@latchkey/rbac/feature';
import { seedDemo } from './demo-credentials';
import { devIdentityProviderConfig } from './dev-identity-provider.config';
import { DEV_IDP_NOTICE, startDevIdentityProvider, type DevIdentityProvider } from './dev-identity-provider';
import { DEVELOPMENT_DEFAULTS, serviceAddresses, serviceKeyVariables, supplyUnsetVariables } from './supply-environment';
import { printWelcome } from './welcome';
import { SERVICES } from './services';

/** How often readiness is evaluated before the ready lines. */
const READINESS_POLL_MS = 100;

/**
 * `npm start`: every service in this one process, each its own Nest app on
 * its own port, sharing one embedded database (a schema each) and, without
 * KAFKA_BROKERS, the in-process bus. Prints `<name> ready on <url>` per
 * service once its readiness checks pass, seeds the demo records, and stops
 * everything on SIGINT/SIGTERM (services in reverse start order). It tells
 * the services where the exchange and the rbac service listen (their admin
 * APIs' guards need both) and the exchange's gateway where the sample API
 * (testapi) listens (supply-environment.ts), and unless
 * LATCHKEY_STANDALONE_DEV_IDP=false it first starts the development identity
 * provider and points the exchange at it (variables the user set are kept).
 */
export async function runStandalone(): Promise<void> {
  const started: ServiceHandle[] = [];
  let devIdp: DevIdentityProvider | undefined;
  const shutdown = async () => {
    for (const handle of [...started].reverse()) await handle.close();
    await devIdp?.stop();
  };
  try {
    validateConfig([platformConfig, devIdentityProviderConfig, ...SERVICES.map((s) => servicePortConfig(s.name)), ...registeredConfigSlices()]);
    const config = loadConfig(platformConfig);
    const devIdpConfig = loadConfig(devIdentityProviderConfig);
    // One process, one trace resource: spans of all the services share it.
    setServiceName('standalone');
    const logDir = join(config.LATCHKEY_DATA_DIR, 'logs');
    await mkdir(logDir, { recursive: true });
    // Seven services' JSON logs would bury the ready lines: they go to one file
    // here (a service run on its own logs to stdout, as a container should).
    const logFile = join(logDir, 'standalone.log');
    const logStream = pino.destination({ dest: logFile, mkdir: true, sync: false });
    handleShutdownSignals(async () => {
      await shutdown();
      logStream.flushSync();
    });
    // Variables the user set are kept (a deployment-like setup may point the services elsewhere); the welcome text
    // names those that change what it says (the gateway's upstreams, the identity provider the exchange trusts).
    const ports = {
      exchange: loadServicePort('exchange'),
      rbac: loadServicePort('rbac'),
      testapi: loadServicePort('testapi'),
      audit: loadServicePort('audit'),
    };
    let keptVariables: string[] = supplyUnsetVariables(serviceAddresses(config.LATCHKEY_HOST, ports)).filter(
      (name) => name === 'LATCHKEY_EXCHANGE_UPSTREAMS',
    );
    supplyUnsetVariables(DEVELOPMENT_DEFAULTS);
    const serviceKeySecret = await standaloneServiceKeySecret(config);
    if (serviceKeySecret !== undefined)
      supplyUnsetVariables(
        serviceKeyVariables(
          serviceKeySecret,
          SERVICES.map((s) => s.name),
        ),
      );
    if (devIdpConfig.LATCHKEY_STANDALONE_DEV_IDP) {
      devIdp = await startDevIdentityProvider({ port: devIdpConfig.LATCHKEY_STANDALONE_DEV_IDP_PORT, log: pino({ name: 'dev-idp' }, logStream) });
      keptVariables = [...keptVariables, ...supplyUnsetVariables(devIdp.exchangeEnvironment)];
      process.stdout.write(`development identity provider on ${devIdp.url} (${DEV_IDP_NOTICE})\n`);
    }
    for (const service of SERVICES) {
      const handle = await createServiceApp({ name: service.name, module: service.module, logStream });
      started.push(handle);
      if (!(await waitUntilReady(handle.readiness, READINESS_POLL_MS))) return;
      process.stdout.write(`${service.name} ready on ${handle.url}\n`);
    }
    const urls = Object.fromEntries(started.map((h) => [h.name, h.url]));
    const apps = new Map(started.map((h) => [h.name, h.app]));
    const seeded = await seedDemo(apps, urls, devIdp, config.LATCHKEY_DATA_DIR);
    printWelcome(seeded.credentials, seeded.path, seeded.created, logFile, keptVariables);
  } catch (error) {
    // A bad configuration is the operator's to fix: say what, without a stack.
    const message = error instanceof ConfigError ? error.message : `start failed: ${(error as Error).message}`;
    process.stderr.write(`${message}\n`);
    await shutdown().catch(() => undefined);
    process.exit(1);
  }
}

/**
 * The rbac service's service-key secret as it will read it: configured, else embedded the file under
 * `<data>/secrets` (created here first, so the services derive their keys from the same one); none on PostgreSQL
 * without it (the services' guards then answer 503, as in a deployment).
 */
async function standaloneServiceKeySecret(platform: { readonly DATABASE_URL?: string | undefined; readonly LATCHKEY_DATA_DIR: string }) {
  const configured = loadConfig(rbacConfig).LATCHKEY_RBAC_SERVICE_KEY_SECRET;
  if (configured !== undefined) return decodeServiceKeySecret(configured);
  return platform.DATABASE_URL ? undefined : (await embeddedServiceKeySecret(platform.LATCHKEY_DATA_DIR)).secret;
}
