import type { INestApplicationContext } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EventBus } from '@latchkey/messaging';
import { Database } from '@latchkey/persistence';
import type { ReadinessRegistry } from './readiness.registry';

function find<T>(app: INestApplicationContext, token: abstract new (...args: never[]) => T): T | undefined {
  try {
    // Through ModuleRef, not the app itself: the app's proxy logs a failed lookup as an error before it throws,
    // and a service without a database (testapi) is not an error.
    return app.get(ModuleRef).get(token, { strict: false });
  } catch {
    return undefined; // this service does not use it
  }
}

/**
 * Readiness prerequisites every service shares: its database answers, and its
 * bus is connected with every consumer running (a crashed consumer that could
 * not restart makes the service not ready rather than idle while healthy).
 * Services add their own checks (e.g. the revocation topic loaded) beside these.
 */
export function registerPlatformReadiness(app: INestApplicationContext, readiness: ReadinessRegistry): void {
  const database = find(app, Database);
  if (database) readiness.register('database', () => database.ping());
  const bus = find(app, EventBus);
  if (bus) readiness.register('bus', () => bus.assertReady());
}
