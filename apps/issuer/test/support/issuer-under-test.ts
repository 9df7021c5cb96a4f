import { randomBytes } from 'node:crypto';
import type { FeatureFlag } from '@latchkey/contracts';
import { IsvAdministration, SubscriptionKeyAdministration } from '@latchkey/issuer/feature';
import type { ServiceUnderTest } from '@latchkey/service-testing';

/** The two secrets the issuer needs on PostgreSQL, fresh for each test service. */
export function issuerSecretsEnv(): Record<string, string> {
  return {
    LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LATCHKEY_ISSUER_KEY_DIGEST_SECRET: randomBytes(32).toString('base64'),
  };
}

/** An ISV to set up as an operator would. */
export interface IsvSetup {
  readonly id: string;
  readonly approved?: boolean;
  readonly features?: readonly FeatureFlag[];
  readonly resourceId?: string;
}

/**
 * Creates the ISV through the issuer's own administration use cases (the
 * admin API's own tests go through HTTP) and returns the key of its slot 1.
 */
export async function onboardIsv(service: ServiceUnderTest, setup: IsvSetup): Promise<string> {
  const admin = service.handle.app.get(IsvAdministration);
  await admin.create({ id: setup.id, displayName: setup.id, ...(setup.resourceId ? { resourceId: setup.resourceId } : {}) });
  for (const feature of setup.features ?? []) await admin.grant(setup.id, feature);
  if (setup.approved ?? true) await admin.approve(setup.id);
  return (await service.handle.app.get(SubscriptionKeyAdministration).issue(setup.id, 1)).subscriptionKey;
}
