import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import type { FeatureFlag } from '@latchkey/contracts';
import { REQUIRES_FEATURE, type FeatureGate } from './feature-gate';
import { LimitedAccessTokenGuard } from './limited-access-token.guard';

/**
 * Gates a handler on a limited access token carrying `feature`, e.g.
 * `@RequiresFeature('Face.Identification', 'face.identify')`. The handler
 * runs only after the token passed every check and its use was recorded
 * (see LimitedAccessTokenGuard). The controller's module must import
 * `LimitedAccessModule` and provide `GATED_RESOURCE_RESOLVER`.
 */
export function RequiresFeature(feature: FeatureFlag, operation: string): MethodDecorator & ClassDecorator {
  const gate: FeatureGate = { feature, operation };
  return applyDecorators(SetMetadata(REQUIRES_FEATURE, gate), UseGuards(LimitedAccessTokenGuard));
}
