import { EntraTestProvider, type EntraTokenVersion } from '@latchkey/exchange/testing';
import { EntraTokenValidator } from './entra-token.validator';

const TRUSTED = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const PARTNER = '9a1b2c3d-0000-4000-8000-00000000beef';
const STRANGER = 'deadbeef-0000-4000-8000-000000000bad';
const USER = '0b1c2d3e-4f50-4617-8899-aabbccddeeff';
const APP = '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d';
const AUDIENCE = 'api://latchkey';
const VERSIONS: readonly EntraTokenVersion[] = ['1.0', '2.0'];

let idp: EntraTestProvider;

beforeAll(async () => {
  idp = await EntraTestProvider.start({ tenants: [TRUSTED, PARTNER, STRANGER], audience: AUDIENCE });
});
afterAll(() => idp.stop());

const token = (tenant: string, version: EntraTokenVersion, extra: Partial<Parameters<EntraTestProvider['accessToken']>[0]> = {}) =>
  idp.accessToken({ tenant, version, oid: USER, appId: APP, scopes: ['Exchange.Read'], ...extra });

/** Per-tenant trust of TRUSTED only. */
const perTenant = (versions: readonly EntraTokenVersion[] = VERSIONS) =>
  new EntraTokenValidator({ audiences: [AUDIENCE], tenants: idp.trustedTenants([TRUSTED], versions) });

/** Multi-tenant trust of PARTNER through the tenant-independent metadata. */
const multiTenant = (allowedTenants: readonly string[] = [PARTNER]) =>
  new EntraTokenValidator({
    audiences: [AUDIENCE],
    tenants: [],
    multiTenant: { allowedTenants, versions: VERSIONS, metadataUrls: idp.commonMetadataUrls() },
  });

async function codeOf(validation: Promise<unknown>): Promise<string> {
  try {
    await validation;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'accepted';
}

describe('Entra issuer trust', () => {
  describe.each(VERSIONS)('per tenant, v%s', (version) => {
    it('accepts exactly the configured issuer of a trusted tenant', async () => {
      const principal = await perTenant().validate(await token(TRUSTED, version));
      expect(principal.issuer).toBe(version === '1.0' ? `https://sts.windows.net/${TRUSTED}/` : `https://login.microsoftonline.com/${TRUSTED}/v2.0`);
    });

    it('rejects a tenant that is not configured', async () => {
      expect(await codeOf(perTenant().validate(await token(STRANGER, version)))).toBe('EXCHANGE.TENANT_UNTRUSTED');
    });

    it('rejects a trusted tenant in a version that is not trusted', async () => {
      const other: EntraTokenVersion = version === '1.0' ? '2.0' : '1.0';
      expect(await codeOf(perTenant([other]).validate(await token(TRUSTED, version)))).toBe('EXCHANGE.ISSUER_UNTRUSTED');
    });

    it.each([
      ['a foreign issuer', 'https://login.example.com/common/'],
      ['an Entra alias host', `https://login.windows.net/${TRUSTED}/`],
      [
        'the issuer without its trailing form',
        version === '1.0' ? `https://sts.windows.net/${TRUSTED}` : `https://login.microsoftonline.com/${TRUSTED}/`,
      ],
    ])('rejects %s', async (_, iss) => {
      expect(await codeOf(perTenant().validate(await token(TRUSTED, version, { extraClaims: { iss } })))).toBe('EXCHANGE.ISSUER_UNTRUSTED');
    });

    it("rejects a token whose tid is not its issuer's tenant", async () => {
      expect(await codeOf(perTenant().validate(await token(TRUSTED, version, { extraClaims: { tid: PARTNER } })))).toBe('EXCHANGE.ISSUER_UNTRUSTED');
    });
  });

  describe.each(VERSIONS)('multi-tenant, v%s', (version) => {
    afterEach(() => idp.setCommonKeyIssuer(version, null));

    it("accepts an allow-listed tenant whose key's templated issuer gives the token issuer", async () => {
      const principal = await multiTenant().validate(await token(PARTNER, version));
      expect(principal).toMatchObject({ tenantId: PARTNER, version, objectId: USER });
    });

    it('rejects a tenant that is not allow-listed', async () => {
      expect(await codeOf(multiTenant().validate(await token(STRANGER, version)))).toBe('EXCHANGE.TENANT_UNTRUSTED');
    });

    it('rejects a tid that differs from the tenant segment of iss', async () => {
      const crossed = await token(PARTNER, version, { extraClaims: { tid: STRANGER } });
      expect(await codeOf(multiTenant([PARTNER, STRANGER]).validate(crossed))).toBe('EXCHANGE.ISSUER_UNTRUSTED');
    });

    it('rejects a tid that is not a GUID', async () => {
      const iss = version === '1.0' ? 'https://sts.windows.net/contoso.example/' : 'https://login.microsoftonline.com/contoso.example/v2.0';
      const named = await token(PARTNER, version, { extraClaims: { iss, tid: 'contoso.example' } });
      expect(await codeOf(multiTenant().validate(named))).toBe('EXCHANGE.ISSUER_UNTRUSTED');
    });

    it("rejects a token when the key's own issuer names another tenant", async () => {
      idp.setCommonKeyIssuer(
        version,
        version === '1.0' ? `https://sts.windows.net/${TRUSTED}/` : `https://login.microsoftonline.com/${TRUSTED}/v2.0`,
      );
      expect(await codeOf(multiTenant().validate(await token(PARTNER, version)))).toBe('EXCHANGE.ISSUER_UNTRUSTED');
    });

    it('rejects a token when the tenant-independent key carries no issuer', async () => {
      idp.setCommonKeyIssuer(version, undefined);
      expect(await codeOf(multiTenant().validate(await token(PARTNER, version)))).toBe('EXCHANGE.ISSUER_UNTRUSTED');
    });
  });

  it('uses per-tenant trust and multi-tenant trust side by side', async () => {
    const both = new EntraTokenValidator({
      audiences: [AUDIENCE],
      tenants: idp.trustedTenants([TRUSTED]),
      multiTenant: { allowedTenants: [PARTNER], versions: ['2.0'], metadataUrls: idp.commonMetadataUrls() },
    });
    await expect(both.validate(await token(TRUSTED, '1.0'))).resolves.toMatchObject({ tenantId: TRUSTED });
    await expect(both.validate(await token(PARTNER, '2.0'))).resolves.toMatchObject({ tenantId: PARTNER });
    expect(await codeOf(both.validate(await token(PARTNER, '1.0')))).toBe('EXCHANGE.ISSUER_UNTRUSTED');
  });
});
