import { loadConfig } from '@latchkey/config';
import { abuseRulesConfig, rulesConfigFrom } from './abuse-rules.config';
import { DEFAULT_RULES_CONFIG } from './rules.config';

describe('abuseRulesConfig', () => {
  it('yields the production defaults when nothing is set', () => {
    expect(rulesConfigFrom(loadConfig(abuseRulesConfig, {}))).toEqual(DEFAULT_RULES_CONFIG);
  });

  it('reads the thresholds and windows from the environment', () => {
    const config = rulesConfigFrom(
      loadConfig(abuseRulesConfig, {
        LATCHKEY_ABUSE_FEATURE_PROBING_THRESHOLD: '4',
        LATCHKEY_ABUSE_FEATURE_PROBING_WINDOW_MS: '30000',
        LATCHKEY_ABUSE_JTI_SPREAD_IPS: '7',
        LATCHKEY_ABUSE_CLIENT_RATE_FLOOR_PER_MINUTE: '500',
        LATCHKEY_ABUSE_ISV_NEW_RESOURCES_THRESHOLD: '50',
        LATCHKEY_ABUSE_REVOKED_TOKEN_THRESHOLD: '5',
        LATCHKEY_ABUSE_RBAC_DENIALS_WINDOW_MS: '120000',
      }),
    );
    expect(config.featureProbing).toEqual({ threshold: 4, windowMs: 30_000 });
    expect(config.jtiSpread.distinctIps).toBe(7);
    expect(config.clientRate.floorPerMinute).toBe(500);
    expect(config.isvIssuance.newResources).toBe(50);
    expect(config.staleTokenUse.revokedPerJti.threshold).toBe(5);
    expect(config.rbacDenials.windowMs).toBe(120_000);
  });

  it('refuses a threshold of zero', () => {
    expect(() => loadConfig(abuseRulesConfig, { LATCHKEY_ABUSE_FEATURE_PROBING_THRESHOLD: '0' })).toThrow(/LATCHKEY_ABUSE_FEATURE_PROBING_THRESHOLD/);
  });
});
