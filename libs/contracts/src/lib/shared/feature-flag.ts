import { z } from 'zod';

/**
 * The gated features an ISV can be granted and a limited access token can
 * carry. Spelled exactly as the vendor documentation spells them: flags are
 * compared case-sensitively on the wire.
 */
export const FEATURE_FLAGS = ['Face.Identification', 'Face.Verification', 'LimitedAccess.HighRisk'] as const;

/** Schema of one feature flag (exact case). */
export const FeatureFlag = z.enum(FEATURE_FLAGS);

/** One of {@link FEATURE_FLAGS}. */
export type FeatureFlag = z.infer<typeof FeatureFlag>;

/** A non-empty list of distinct feature flags, as granted or carried by a token. */
export const FeatureFlagSet = z
  .array(FeatureFlag)
  .min(1)
  .max(FEATURE_FLAGS.length)
  .refine((flags) => new Set(flags).size === flags.length, { message: 'feature flags must be distinct' });
