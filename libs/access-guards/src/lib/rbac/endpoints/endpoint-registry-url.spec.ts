import { loadConfig } from '@latchkey/config';
import { endpointRegistryUrl, rbacGuardConfig } from '../rbac-guard.config';

describe(endpointRegistryUrl.name, () => {
  it('defaults to the registry beside the decision API', () => {
    const { LATCHKEY_RBAC_ENDPOINT_REGISTRY_URL } = loadConfig(rbacGuardConfig, {});
    expect(endpointRegistryUrl(LATCHKEY_RBAC_ENDPOINT_REGISTRY_URL, 'http://rbac.internal:3004/rbac/v1/decisions')).toBe(
      'http://rbac.internal:3004/rbac/v1/endpoints',
    );
  });

  it('takes a configured registry as given, without a trailing slash', () => {
    const config = loadConfig(rbacGuardConfig, { LATCHKEY_RBAC_ENDPOINT_REGISTRY_URL: 'https://rbac.example/registry/' });
    expect(endpointRegistryUrl(config.LATCHKEY_RBAC_ENDPOINT_REGISTRY_URL, 'http://unused/rbac/v1/decisions')).toBe('https://rbac.example/registry');
  });
});
