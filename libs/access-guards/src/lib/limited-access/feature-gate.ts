import type { FeatureFlag } from '@latchkey/contracts';

/** Metadata key of a gated handler: the feature it needs and the operation name its events carry. */
export const REQUIRES_FEATURE = 'latchkey:requiresFeature';

/** What a gated handler declares. */
export interface FeatureGate {
  readonly feature: FeatureFlag;
  /** The operation name on `lat.used` / `lat.rejected`, e.g. `face.identify`. */
  readonly operation: string;
}
