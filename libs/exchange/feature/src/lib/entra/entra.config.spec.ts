import { loadConfig, renderConfigDocs } from '@latchkey/config';
import { entraConfig } from './entra.config';
import { EntraTokenValidator } from './entra-token.validator';

const TENANT = '72F988BF-86F1-41AF-91AB-2D7CD011DB47';

describe('entraConfig', () => {
  it('has defaults that trust no tenant and follow Microsoft guidance', () => {
    expect(loadConfig(entraConfig, {})).toEqual({
      LATCHKEY_EXCHANGE_ENTRA_AUDIENCES: ['api://latchkey'],
      LATCHKEY_EXCHANGE_ENTRA_TENANTS: [],
      LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_ALLOWED_TENANTS: [],
      LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_VERSIONS: ['2.0'],
      LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_METADATA_URL_V1: 'https://login.microsoftonline.com/common/.well-known/openid-configuration',
      LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_METADATA_URL_V2: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
      LATCHKEY_EXCHANGE_ENTRA_KEYS_COOLDOWN_MS: 30_000,
      LATCHKEY_EXCHANGE_ENTRA_KEYS_MAX_AGE_MS: 86_400_000,
      LATCHKEY_EXCHANGE_ENTRA_FETCH_TIMEOUT_MS: 5000,
      LATCHKEY_EXCHANGE_ENTRA_CLOCK_TOLERANCE_SECONDS: 60,
    });
  });

  it('reads audiences, tenants (lower-cased) and the multi-tenant allow-list', () => {
    const config = loadConfig(entraConfig, {
      LATCHKEY_EXCHANGE_ENTRA_AUDIENCES: 'api://latchkey, 4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d',
      LATCHKEY_EXCHANGE_ENTRA_TENANTS: JSON.stringify([
        { tenantId: TENANT, versions: ['1.0', '2.0'] },
        {
          tenantId: '9a1b2c3d-0000-4000-8000-00000000beef',
          versions: ['2.0'],
          metadataUrl: 'http://127.0.0.1:4000/.well-known/openid-configuration',
        },
      ]),
      LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_ALLOWED_TENANTS: 'deadbeef-0000-4000-8000-000000000bad',
      LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_VERSIONS: '1.0,2.0',
    });
    expect(config.LATCHKEY_EXCHANGE_ENTRA_AUDIENCES).toEqual(['api://latchkey', '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d']);
    expect(config.LATCHKEY_EXCHANGE_ENTRA_TENANTS[0]).toEqual({ tenantId: TENANT.toLowerCase(), versions: ['1.0', '2.0'] });
    expect(config.LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_VERSIONS).toEqual(['1.0', '2.0']);
    expect(EntraTokenValidator.fromConfig(config)).toBeInstanceOf(EntraTokenValidator);
  });

  it.each([
    ['not JSON', 'LATCHKEY_EXCHANGE_ENTRA_TENANTS', '[{'],
    ['a tenant id that is not a GUID', 'LATCHKEY_EXCHANGE_ENTRA_TENANTS', JSON.stringify([{ tenantId: 'contoso.com', versions: ['2.0'] }])],
    ['no version', 'LATCHKEY_EXCHANGE_ENTRA_TENANTS', JSON.stringify([{ tenantId: TENANT, versions: [] }])],
    [
      'a metadata URL for two versions',
      'LATCHKEY_EXCHANGE_ENTRA_TENANTS',
      JSON.stringify([{ tenantId: TENANT, versions: ['1.0', '2.0'], metadataUrl: 'https://x.example/' }]),
    ],
    [
      'a metadata URL with credentials',
      'LATCHKEY_EXCHANGE_ENTRA_TENANTS',
      JSON.stringify([{ tenantId: TENANT, versions: ['2.0'], metadataUrl: 'https://u:p@x.example/' }]),
    ],
    [
      'a tenant twice for one version',
      'LATCHKEY_EXCHANGE_ENTRA_TENANTS',
      JSON.stringify([
        { tenantId: TENANT, versions: ['2.0'] },
        { tenantId: TENANT, versions: ['2.0'] },
      ]),
    ],
    ['an unknown member', 'LATCHKEY_EXCHANGE_ENTRA_TENANTS', JSON.stringify([{ tenantId: TENANT, versions: ['2.0'], issuer: 'https://x/' }])],
    ['no audience', 'LATCHKEY_EXCHANGE_ENTRA_AUDIENCES', ' , '],
    ['an allow-listed tenant that is not a GUID', 'LATCHKEY_EXCHANGE_ENTRA_MULTI_TENANT_ALLOWED_TENANTS', 'common'],
    ['a clock tolerance over 5 minutes', 'LATCHKEY_EXCHANGE_ENTRA_CLOCK_TOLERANCE_SECONDS', '301'],
  ])('rejects %s', (_, variable, value) => {
    expect(() => loadConfig(entraConfig, { [variable]: value })).toThrow(new RegExp(variable));
  });

  it('documents every variable', () => {
    const docs = renderConfigDocs([entraConfig]);
    for (const variable of Object.keys(entraConfig.shape)) expect(docs).toContain(`\`${variable}\``);
    expect(docs).toContain('JSON array of {tenantId');
  });
});
