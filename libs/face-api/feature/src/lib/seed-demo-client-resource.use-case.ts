import { Injectable } from '@nestjs/common';
import { canonicalResourceId } from '@latchkey/contracts';
import { ClientResourceRepository } from '@latchkey/face-api/data-access';
import { generateApiKey, hashApiKey } from '@latchkey/tokens';

/** The demo client's Face resource, in the vendor documentation's format. */
export const DEMO_CLIENT_RESOURCE_ID =
  '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/client-rg/providers/Microsoft.CognitiveServices/accounts/client-face-api';

/** Creates the demo client resource unless it exists; returns its key only when created. */
@Injectable()
export class SeedDemoClientResourceUseCase {
  constructor(private readonly resources: ClientResourceRepository) {}

  async execute(): Promise<{ resourceId: string; subscriptionKey?: string }> {
    const subscriptionKey = generateApiKey('client');
    const created = await this.resources.insertIfAbsent({
      resourceId: DEMO_CLIENT_RESOURCE_ID,
      displayName: 'Demo door-device manufacturer',
      subscriptionKeyHash: hashApiKey(subscriptionKey),
    });
    const resourceId = canonicalResourceId(DEMO_CLIENT_RESOURCE_ID);
    return created ? { resourceId, subscriptionKey } : { resourceId };
  }
}
