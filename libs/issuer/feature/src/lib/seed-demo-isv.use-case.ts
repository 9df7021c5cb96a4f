import { Injectable } from '@nestjs/common';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import { IsvRepository } from '@latchkey/issuer/data-access';
import { SubscriptionKeyAdministration } from './admin/subscription-key-administration.use-case';

/** The demo ISV's own Face resource (canonical), for issueToken. */
export const DEMO_ISV_RESOURCE_ID =
  '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourcegroups/isv-rg/providers/microsoft.cognitiveservices/accounts/isv-face-api';

/** The demo ISV's id; fixed so a second start finds it. */
export const DEMO_ISV_ID = 'isv-demo';

/**
 * Creates the demo ISV of `npm start` (approved, granted every feature flag)
 * unless it exists, and gives it a key in slot 1 unless it has an active
 * key. Returns the key only when it was created: keys are stored as digests
 * and cannot be shown again.
 */
@Injectable()
export class SeedDemoIsvUseCase {
  constructor(
    private readonly isvs: IsvRepository,
    private readonly keys: SubscriptionKeyAdministration,
  ) {}

  async execute(): Promise<{ isvId: string; subscriptionKey?: string }> {
    await this.isvs.insertIfAbsent({
      id: DEMO_ISV_ID,
      displayName: 'Demo door-access ISV',
      status: 'approved',
      grantedFeatures: [...FEATURE_FLAGS],
      resourceId: DEMO_ISV_RESOURCE_ID,
    });
    if ((await this.keys.list(DEMO_ISV_ID)).length > 0) return { isvId: DEMO_ISV_ID };
    const { subscriptionKey } = await this.keys.issue(DEMO_ISV_ID, 1);
    return { isvId: DEMO_ISV_ID, subscriptionKey };
  }
}
