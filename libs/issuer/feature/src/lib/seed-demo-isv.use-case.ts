import { Injectable } from '@nestjs/common';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import { IsvRepository } from '@latchkey/issuer/data-access';
import { generateApiKey, hashApiKey } from '@latchkey/tokens';

/** The demo ISV's own Face resource (canonical), for issueToken. */
export const DEMO_ISV_RESOURCE_ID =
  '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourcegroups/isv-rg/providers/microsoft.cognitiveservices/accounts/isv-face-api';

/** The demo ISV's id; fixed so a second start finds it. */
export const DEMO_ISV_ID = 'isv-demo';

/**
 * Creates the demo ISV of `npm start` (approved, granted every feature flag)
 * unless it exists. Returns its subscription key only when it was created:
 * the key is stored as a digest and cannot be shown again.
 */
@Injectable()
export class SeedDemoIsvUseCase {
  constructor(private readonly isvs: IsvRepository) {}

  async execute(): Promise<{ isvId: string; subscriptionKey?: string }> {
    const subscriptionKey = generateApiKey('isv');
    const created = await this.isvs.insertIfAbsent({
      id: DEMO_ISV_ID,
      displayName: 'Demo door-access ISV',
      status: 'approved',
      grantedFeatures: [...FEATURE_FLAGS],
      subscriptionKeyHash: hashApiKey(subscriptionKey),
      resourceId: DEMO_ISV_RESOURCE_ID,
    });
    return created ? { isvId: DEMO_ISV_ID, subscriptionKey } : { isvId: DEMO_ISV_ID };
  }
}
