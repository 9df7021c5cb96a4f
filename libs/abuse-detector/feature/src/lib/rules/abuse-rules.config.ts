import { defineConfigSlice, envInteger, type ConfigOf } from '@latchkey/config';
import { DEFAULT_RULES_CONFIG as D, type RulesConfig } from './rules.config';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const windowMs = () => envInteger({ min: 1000, max: DAY });
const threshold = () => envInteger({ min: 1, max: 100 });

/** The abuse rules' main windows and thresholds (the rest keep the defaults of rules.config.ts; docs/ABUSE.md says why). */
export const abuseRulesConfig = defineConfigSlice('abuse-rules', {
  LATCHKEY_ABUSE_MAX_KEYS_PER_RULE: envInteger({ min: 1000, max: 10_000_000 })
    .default(D.maxKeysPerRule)
    .describe(
      'Subjects (resources, tokens, ISVs, people) each rule keeps a window for; beyond, the least recently seen is dropped and starts afresh if it returns (a possible miss, never a false alert).',
    ),
  LATCHKEY_ABUSE_FEATURE_PROBING_THRESHOLD: threshold()
    .default(D.featureProbing.threshold)
    .describe('Refusals for a feature the token lacks (`LAT.FEATURE_MISSING`), per client resource within the window, that raise a medium alert.'),
  LATCHKEY_ABUSE_FEATURE_PROBING_WINDOW_MS: windowMs().default(D.featureProbing.windowMs).describe('The feature-probing window.'),
  LATCHKEY_ABUSE_JTI_SPREAD_IPS: threshold()
    .default(D.jtiSpread.distinctIps)
    .describe('Distinct client IPs presenting one token (`jti`) within the window that raise a high alert (shared or leaked token).'),
  LATCHKEY_ABUSE_JTI_SPREAD_USER_AGENTS: threshold()
    .default(D.jtiSpread.distinctUserAgents)
    .describe('Distinct user agents presenting one token within the window that raise the same alert.'),
  LATCHKEY_ABUSE_JTI_SPREAD_WINDOW_MS: windowMs().default(D.jtiSpread.windowMs).describe('The token-spread window.'),
  LATCHKEY_ABUSE_CLIENT_RATE_MULTIPLIER: threshold()
    .default(D.clientRate.multiplier)
    .describe('A client resource’s uses in one minute above this many times its own moving average raise a medium alert …'),
  LATCHKEY_ABUSE_CLIENT_RATE_FLOOR_PER_MINUTE: envInteger({ min: 1, max: 10_000_000 })
    .default(D.clientRate.floorPerMinute)
    .describe('… when they are also above this many per minute …'),
  LATCHKEY_ABUSE_CLIENT_RATE_WARM_UP_MINUTES: envInteger({ min: 1, max: 1440 })
    .default(D.clientRate.warmUpMinutes)
    .describe('… and the client has been watched this many minutes (a new client has no baseline).'),
  LATCHKEY_ABUSE_ISV_ISSUANCE_MULTIPLIER: threshold()
    .default(D.isvIssuance.multiplier)
    .describe(
      'An ISV’s issuances in one minute above this many times its own moving average (and above the floor, after the warm-up) raise a high alert.',
    ),
  LATCHKEY_ABUSE_ISV_ISSUANCE_FLOOR_PER_MINUTE: envInteger({ min: 1, max: 10_000_000 })
    .default(D.isvIssuance.floorPerMinute)
    .describe('The issuance-rate floor per minute.'),
  LATCHKEY_ABUSE_ISV_NEW_RESOURCES_THRESHOLD: envInteger({ min: 1, max: 10_000 })
    .default(D.isvIssuance.newResources)
    .describe('Resources an ISV issues for that are new to it (none in the previous 24 h) within the window that raise a high alert.'),
  LATCHKEY_ABUSE_ISV_NEW_RESOURCES_WINDOW_MS: windowMs().default(D.isvIssuance.newResourcesWindowMs).describe('The new-resources window.'),
  LATCHKEY_ABUSE_STALE_TOKEN_THRESHOLD: threshold()
    .default(D.staleTokenUse.perResource.threshold)
    .describe('Expired or revoked tokens presented per client resource within the window that raise a medium alert.'),
  LATCHKEY_ABUSE_STALE_TOKEN_WINDOW_MS: windowMs()
    .default(D.staleTokenUse.perResource.windowMs)
    .describe('The stale-token window per client resource.'),
  LATCHKEY_ABUSE_REVOKED_TOKEN_THRESHOLD: threshold()
    .default(D.staleTokenUse.revokedPerJti.threshold)
    .describe('Presentations of one revoked token (`jti`) within the window that raise a high alert.'),
  LATCHKEY_ABUSE_REVOKED_TOKEN_WINDOW_MS: windowMs().default(D.staleTokenUse.revokedPerJti.windowMs).describe('The revoked-token window per token.'),
  LATCHKEY_ABUSE_EXCHANGE_DENIALS_THRESHOLD: threshold()
    .default(D.exchangeDenials.threshold)
    .describe('Token-exchange refusals per OAuth `client_id` within the window that raise a medium alert.'),
  LATCHKEY_ABUSE_EXCHANGE_DENIALS_WINDOW_MS: windowMs().default(D.exchangeDenials.windowMs).describe('The exchange-denials window.'),
  LATCHKEY_ABUSE_RBAC_DENIALS_THRESHOLD: threshold()
    .default(D.rbacDenials.threshold)
    .describe('RBAC refusals per person within the window that raise a medium alert.'),
  LATCHKEY_ABUSE_RBAC_DENIALS_WINDOW_MS: windowMs().default(D.rbacDenials.windowMs).describe('The RBAC-denials window.'),
});

/** The validated slice. */
export type AbuseRulesConfig = ConfigOf<typeof abuseRulesConfig>;

/** The rules' configuration from the slice; what the slice does not expose keeps its default. */
export function rulesConfigFrom(env: AbuseRulesConfig): RulesConfig {
  return {
    maxKeysPerRule: env.LATCHKEY_ABUSE_MAX_KEYS_PER_RULE,
    featureProbing: { windowMs: env.LATCHKEY_ABUSE_FEATURE_PROBING_WINDOW_MS, threshold: env.LATCHKEY_ABUSE_FEATURE_PROBING_THRESHOLD },
    jtiSpread: {
      windowMs: env.LATCHKEY_ABUSE_JTI_SPREAD_WINDOW_MS,
      distinctIps: env.LATCHKEY_ABUSE_JTI_SPREAD_IPS,
      distinctUserAgents: env.LATCHKEY_ABUSE_JTI_SPREAD_USER_AGENTS,
    },
    clientRate: {
      ...D.clientRate,
      multiplier: env.LATCHKEY_ABUSE_CLIENT_RATE_MULTIPLIER,
      floorPerMinute: env.LATCHKEY_ABUSE_CLIENT_RATE_FLOOR_PER_MINUTE,
      warmUpMinutes: env.LATCHKEY_ABUSE_CLIENT_RATE_WARM_UP_MINUTES,
    },
    isvIssuance: {
      ...D.isvIssuance,
      multiplier: env.LATCHKEY_ABUSE_ISV_ISSUANCE_MULTIPLIER,
      floorPerMinute: env.LATCHKEY_ABUSE_ISV_ISSUANCE_FLOOR_PER_MINUTE,
      newResources: env.LATCHKEY_ABUSE_ISV_NEW_RESOURCES_THRESHOLD,
      newResourcesWindowMs: env.LATCHKEY_ABUSE_ISV_NEW_RESOURCES_WINDOW_MS,
    },
    staleTokenUse: {
      perResource: { windowMs: env.LATCHKEY_ABUSE_STALE_TOKEN_WINDOW_MS, threshold: env.LATCHKEY_ABUSE_STALE_TOKEN_THRESHOLD },
      revokedPerJti: { windowMs: env.LATCHKEY_ABUSE_REVOKED_TOKEN_WINDOW_MS, threshold: env.LATCHKEY_ABUSE_REVOKED_TOKEN_THRESHOLD },
    },
    exchangeDenials: { windowMs: env.LATCHKEY_ABUSE_EXCHANGE_DENIALS_WINDOW_MS, threshold: env.LATCHKEY_ABUSE_EXCHANGE_DENIALS_THRESHOLD },
    rbacDenials: { windowMs: env.LATCHKEY_ABUSE_RBAC_DENIALS_WINDOW_MS, threshold: env.LATCHKEY_ABUSE_RBAC_DENIALS_THRESHOLD },
  };
}
