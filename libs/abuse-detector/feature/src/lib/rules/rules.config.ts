/** Window, threshold and subject cap of a rule that counts events per subject. */
export interface BurstRuleConfig {
  readonly windowMs: number;
  readonly threshold: number;
}

/** A rate rule: the current minute against the subject's own EWMA baseline. */
export interface RateRuleConfig {
  /** Fires when the minute's count exceeds `multiplier` × baseline … */
  readonly multiplier: number;
  /** … and exceeds this floor (per minute), so a quiet subject's small bursts stay quiet. */
  readonly floorPerMinute: number;
  /** Minutes a subject is watched before it can fire: a new client or ISV has no baseline yet. */
  readonly warmUpMinutes: number;
  /** Weight of the newest minute in the EWMA. */
  readonly alpha: number;
  /** A subject silent this long is forgotten and warms up again. */
  readonly forgetAfterMs: number;
}

/** Every rule's windows and thresholds; {@link DEFAULT_RULES_CONFIG} holds the production defaults (docs/ABUSE.md says why). */
export interface RulesConfig {
  /** Subjects (resources, jtis, ISVs, people …) each rule keeps at most; the least recently seen go first. */
  readonly maxKeysPerRule: number;
  readonly featureProbing: BurstRuleConfig;
  readonly jtiSpread: { readonly windowMs: number; readonly distinctIps: number; readonly distinctUserAgents: number };
  readonly clientRate: RateRuleConfig;
  readonly isvIssuance: RateRuleConfig & {
    /** Distinct resources new to the ISV within `newResourcesWindowMs` that fire. */
    readonly newResources: number;
    readonly newResourcesWindowMs: number;
    /** A resource issued to within this long is not new. */
    readonly rememberResourcesMs: number;
    /** The detector watches an ISV this long before counting its new resources (everything is new at first). */
    readonly newResourcesWarmUpMs: number;
    /** (ISV, resource) pairs remembered in all; beyond, the least recently issued are forgotten. */
    readonly maxKnownResources: number;
  };
  readonly staleTokenUse: {
    /** Expired or revoked tokens presented per client resource. */
    readonly perResource: BurstRuleConfig;
    /** One revoked token presented again and again. */
    readonly revokedPerJti: BurstRuleConfig;
  };
  readonly exchangeDenials: BurstRuleConfig;
  readonly rbacDenials: BurstRuleConfig;
}

const MINUTE = 60_000;

/** Production defaults. */
export const DEFAULT_RULES_CONFIG: RulesConfig = {
  maxKeysPerRule: 100_000,
  featureProbing: { windowMs: MINUTE, threshold: 10 },
  jtiSpread: { windowMs: 10 * MINUTE, distinctIps: 5, distinctUserAgents: 5 },
  clientRate: { multiplier: 10, floorPerMinute: 100, warmUpMinutes: 10, alpha: 0.2, forgetAfterMs: 60 * MINUTE },
  isvIssuance: {
    multiplier: 10,
    floorPerMinute: 100,
    warmUpMinutes: 10,
    alpha: 0.2,
    forgetAfterMs: 60 * MINUTE,
    newResources: 20,
    newResourcesWindowMs: 10 * MINUTE,
    rememberResourcesMs: 24 * 60 * MINUTE,
    newResourcesWarmUpMs: 60 * MINUTE,
    maxKnownResources: 200_000,
  },
  staleTokenUse: {
    perResource: { windowMs: 5 * MINUTE, threshold: 20 },
    revokedPerJti: { windowMs: 10 * MINUTE, threshold: 3 },
  },
  exchangeDenials: { windowMs: MINUTE, threshold: 20 },
  rbacDenials: { windowMs: MINUTE, threshold: 20 },
};
