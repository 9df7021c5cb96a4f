import { FEATURE_FLAGS, FeatureFlag, FeatureFlagSet } from './feature-flag';

describe('FeatureFlag', () => {
  it('accepts exactly the vendor spellings', () => {
    expect(FEATURE_FLAGS).toEqual(['Face.Identification', 'Face.Verification', 'LimitedAccess.HighRisk']);
    for (const flag of FEATURE_FLAGS) expect(FeatureFlag.safeParse(flag).success).toBe(true);
  });

  it.each(['face.identification', 'FACE.IDENTIFICATION', 'Face.Identify', ''])('rejects %j', (flag) => {
    expect(FeatureFlag.safeParse(flag).success).toBe(false);
  });
});

describe('FeatureFlagSet', () => {
  it('rejects an empty set and a repeated flag', () => {
    expect(FeatureFlagSet.safeParse([]).success).toBe(false);
    expect(FeatureFlagSet.safeParse(['Face.Verification', 'Face.Verification']).success).toBe(false);
    expect(FeatureFlagSet.safeParse([...FEATURE_FLAGS]).success).toBe(true);
  });
});
