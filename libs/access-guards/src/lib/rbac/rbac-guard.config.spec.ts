import { ConfigError, loadConfig } from '@latchkey/config';
import { configuredServiceKey, rbacGuardConfig } from './rbac-guard.config';
import { deriveServiceKey } from './service-key';

const SECRET = Buffer.alloc(32, 5);

/** The ConfigError loading `env` throws (fails the test when it loads). */
function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(rbacGuardConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration loaded');
}

describe('rbacGuardConfig service keys', () => {
  it("reads each service's own key from its own variable", () => {
    const issuer = deriveServiceKey(SECRET, 'issuer');
    const testapi = deriveServiceKey(SECRET, 'testapi');
    const config = loadConfig(rbacGuardConfig, { LATCHKEY_ISSUER_RBAC_KEY: issuer, LATCHKEY_TESTAPI_RBAC_KEY: testapi });
    expect(configuredServiceKey(config, 'issuer')).toBe(issuer);
    expect(configuredServiceKey(config, 'testapi')).toBe(testapi);
    expect(configuredServiceKey(config, 'face-api')).toBeUndefined();
  });

  it('refuses to start with the removed LATCHKEY_RBAC_DECISION_KEY (the shared break-glass key), saying what to set, never the value', () => {
    const old = `lk_op_${'q'.repeat(43)}`;
    const error = refusal({ LATCHKEY_RBAC_DECISION_KEY: old });
    expect(error.issues.map((issue) => issue.variable)).toEqual(['LATCHKEY_RBAC_DECISION_KEY']);
    expect(error.message).toMatch(/no longer read.*LATCHKEY_<SERVICE>_RBAC_KEY/);
    expect(error.message).not.toContain(old);
  });

  it("refuses another service's key, or an operator key, in a service's variable", () => {
    const testapi = deriveServiceKey(SECRET, 'testapi');
    const error = refusal({ LATCHKEY_ISSUER_RBAC_KEY: testapi, LATCHKEY_FACE_API_RBAC_KEY: `lk_op_${'q'.repeat(43)}` });
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual(['LATCHKEY_FACE_API_RBAC_KEY', 'LATCHKEY_ISSUER_RBAC_KEY']);
    expect(error.message).toContain('must be the issuer service’s key');
    expect(error.message).not.toContain(testapi.slice(-43));
    expect(error.message).not.toContain('q'.repeat(43));
  });
});
