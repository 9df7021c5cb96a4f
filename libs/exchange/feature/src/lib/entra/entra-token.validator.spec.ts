import { EntraTestProvider, generateRsaSigningKey, GRAPH_APP_ID, handSignedToken, type EntraTokenVersion } from '@latchkey/exchange/testing';
import type { EntraTokenErrorCode } from './entra-token.errors';
import { EntraTokenValidator, MAX_ENTRA_TOKEN_LENGTH } from './entra-token.validator';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const USER = '0b1c2d3e-4f50-4617-8899-aabbccddeeff';
const APP = '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d';
const AUDIENCE = 'api://latchkey';
const VERSIONS: readonly EntraTokenVersion[] = ['1.0', '2.0'];

let idp: EntraTestProvider;
let offsetMs: number;

beforeAll(async () => {
  idp = await EntraTestProvider.start({ tenants: [TENANT], audience: AUDIENCE });
});
afterAll(() => idp.stop());
beforeEach(() => {
  offsetMs = 0;
});

function validator(): EntraTokenValidator {
  return new EntraTokenValidator({
    // The ID-token test needs the client id of the app the ID token was issued to among our audiences, as when
    // this API's own client id is one of them.
    audiences: [AUDIENCE, idp.idTokenAudience],
    tenants: idp.trustedTenants([TENANT]),
    now: () => new Date(Date.now() + offsetMs),
  });
}

const user = (version: EntraTokenVersion, extra: Partial<Parameters<EntraTestProvider['accessToken']>[0]> = {}) =>
  idp.accessToken({ tenant: TENANT, version, oid: USER, appId: APP, scopes: ['Exchange.Read', 'Exchange.Write'], ...extra });

async function refusal(token: string | Promise<string>, v = validator()): Promise<{ code: EntraTokenErrorCode; message: string }> {
  const presented = await token;
  try {
    await v.validate(presented);
  } catch (error) {
    const e = error as { code: EntraTokenErrorCode; message: string; details: unknown };
    // Never the token, nor any part of it, in what may be logged or answered.
    expect(`${e.message} ${JSON.stringify(e.details)}`).not.toContain(presented.slice(0, 20));
    return { code: e.code, message: e.message };
  }
  throw new Error('the token was accepted');
}

function tamper(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe(EntraTokenValidator.name, () => {
  describe.each(VERSIONS)('v%s', (version) => {
    it('returns the principal of a delegated token', async () => {
      const principal = await validator().validate(await user(version, { name: 'Ada Lovelace', username: 'ada@contoso.example' }));
      expect(principal).toEqual({
        tenantId: TENANT,
        objectId: USER,
        version,
        issuer: idp.issuer(TENANT, version),
        appId: APP,
        appOnly: false,
        scopes: ['Exchange.Read', 'Exchange.Write'],
        roles: [],
        sourceTokenId: expect.any(String),
        displayName: 'Ada Lovelace',
        username: 'ada@contoso.example',
        expiresAt: expect.any(Date),
        issuedAt: expect.any(Date),
      });
      expect(principal.expiresAt.getTime() - principal.issuedAt.getTime()).toBe(3_600_000);
    });

    it('returns an app-only principal for idtyp=app', async () => {
      const token = await idp.accessToken({
        tenant: TENANT,
        version,
        oid: APP.replace('4a', '5b'),
        appId: APP,
        roles: ['Exchange.All'],
        appOnly: true,
      });
      const principal = await validator().validate(token);
      expect(principal).toMatchObject({ appOnly: true, roles: ['Exchange.All'], scopes: [], displayName: null, username: null, appId: APP });
    });

    it('treats a token without idtyp as app-only only when it has roles, no scp, and oid = sub', async () => {
      const app = await idp.accessToken({
        tenant: TENANT,
        version,
        oid: USER,
        appId: APP,
        roles: ['Exchange.All'],
        appOnly: true,
        omitClaims: ['idtyp'],
      });
      expect((await validator().validate(app)).appOnly).toBe(true);
      const userWithRoles = await user(version, { scopes: [], roles: ['Exchange.All'] });
      expect((await validator().validate(userWithRoles)).appOnly).toBe(false);
    });

    it('takes the source token id from uti, else jti', async () => {
      const withJti = await user(version, { omitClaims: ['uti'], extraClaims: { jti: 'source-jti-1' } });
      expect((await validator().validate(withJti)).sourceTokenId).toBe('source-jti-1');
    });

    it('identifies by (tid, oid) whatever the display claims say', async () => {
      const a = await validator().validate(await user(version, { username: 'someone@contoso.example', extraClaims: { email: 'x@y.example' } }));
      const b = await validator().validate(await user(version, { username: 'admin@contoso.example', name: 'Administrator' }));
      expect([a.tenantId, a.objectId]).toEqual([b.tenantId, b.objectId]);
    });

    it('rejects an expired token, after the clock tolerance', async () => {
      const token = await user(version, { lifetimeSeconds: 120 });
      offsetMs = (120 + 50) * 1000;
      await expect(validator().validate(token)).resolves.toBeDefined();
      offsetMs = (120 + 65) * 1000;
      expect(await refusal(token)).toMatchObject({ code: 'EXCHANGE.EXPIRED' });
    });

    it('rejects a token not valid yet (nbf or iat ahead of the clock beyond the tolerance)', async () => {
      const token = await user(version);
      offsetMs = -50_000;
      await expect(validator().validate(token)).resolves.toBeDefined();
      offsetMs = -120_000;
      expect(await refusal(token)).toMatchObject({ code: 'EXCHANGE.NOT_YET_VALID' });
    });

    it('rejects a token for another audience', async () => {
      expect(await refusal(user(version, { audience: 'api://someone-else' }))).toEqual({
        code: 'EXCHANGE.WRONG_AUDIENCE',
        message: 'token audience must be this API',
      });
    });

    it.each([
      ['its audience is Graph (app id)', { audience: GRAPH_APP_ID }],
      ['its audience is Graph (URL)', { audience: 'https://graph.microsoft.com' }],
      ['its header carries a nonce', { extraHeader: { nonce: 'graph-nonce-value' } }],
    ])('rejects a Microsoft Graph token with a clear message when %s', async (_, shape) => {
      expect(await refusal(user(version, shape))).toEqual({ code: 'EXCHANGE.WRONG_AUDIENCE', message: 'token audience must be this API' });
    });

    it('rejects an ID token', async () => {
      expect(await refusal(idp.idToken({ tenant: TENANT, version, oid: USER }))).toMatchObject({ code: 'EXCHANGE.NOT_ACCESS_TOKEN' });
    });

    it('rejects an access token without scp and roles', async () => {
      expect(await refusal(user(version, { scopes: [], roles: [] }))).toMatchObject({ code: 'EXCHANGE.NOT_ACCESS_TOKEN' });
    });

    it.each([
      ['oid is not a GUID', { extraClaims: { oid: 'not-a-guid' } }],
      ['the calling app is missing', { omitClaims: ['azp', 'appid'] }],
      ['ver disagrees with the issuer', { extraClaims: { ver: version === '1.0' ? '2.0' : '1.0' } }],
      ['roles is not a list', { extraClaims: { roles: 'Exchange.All' } }],
    ])('rejects claims that fail the schema: %s', async (_, shape) => {
      expect(await refusal(user(version, shape))).toMatchObject({ code: 'EXCHANGE.CLAIMS_INVALID' });
    });

    it('rejects a token whose payload was changed after signing', async () => {
      const token = tamper(await user(version), (claims) => (claims['scp'] = 'Exchange.Admin'));
      expect(await refusal(token)).toMatchObject({ code: 'EXCHANGE.BAD_SIGNATURE' });
    });
  });

  describe('hand-made tokens (a real provider does not mint these)', () => {
    const claims = () => ({
      iss: idp.issuer(TENANT, '2.0'),
      aud: AUDIENCE,
      tid: TENANT,
      oid: USER,
      sub: USER,
      azp: APP,
      ver: '2.0',
      scp: 'Exchange.Read',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    });

    it('rejects alg none and HS256 keyed with the public key (algorithm pinned to RS256)', async () => {
      const kid = idp.currentKid('2.0');
      const jwks = (await (await fetch(idp.commonMetadataUrl('2.0').replace('.well-known/openid-configuration', 'discovery/keys'))).json()) as {
        keys: { n: string }[];
      };
      const none = handSignedToken({ kid }, claims(), { alg: 'none' });
      const hs256 = handSignedToken({ kid }, claims(), { alg: 'HS256', secret: jwks.keys[0]?.n ?? '' });
      expect(await refusal(none)).toMatchObject({ code: 'EXCHANGE.BAD_SIGNATURE' });
      expect(await refusal(hs256)).toMatchObject({ code: 'EXCHANGE.BAD_SIGNATURE' });
    });

    it('rejects a token signed by a key the issuer does not publish', async () => {
      const rogue = generateRsaSigningKey();
      const v = validator();
      expect(await refusal(handSignedToken({ kid: rogue.kid }, claims(), { alg: 'RS256', key: rogue.privateKey }), v)).toMatchObject({
        code: 'EXCHANGE.SIGNING_KEY_UNKNOWN',
      });
      // The issuer's kid on a rogue signature: the signature decides.
      const forged = handSignedToken({ kid: idp.currentKid('2.0') }, claims(), { alg: 'RS256', key: rogue.privateKey });
      expect(await refusal(forged, v)).toMatchObject({ code: 'EXCHANGE.BAD_SIGNATURE' });
    });

    it.each([
      ['no kid', {}],
      ['a jku', { jku: 'https://attacker.example/keys' }],
      ['an embedded jwk', { jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } }],
      ['an x5c chain', { x5c: ['MIIB'] }],
      ['a critical extension', { crit: ['exp'] }],
    ])('rejects a header with %s as malformed', async (_, header) => {
      const key = generateRsaSigningKey();
      const kid = Object.keys(header).length === 0 ? {} : { kid: idp.currentKid('2.0') };
      expect(await refusal(handSignedToken({ ...kid, ...header }, claims(), { alg: 'RS256', key: key.privateKey }))).toMatchObject({
        code: 'EXCHANGE.TOKEN_MALFORMED',
      });
    });
  });

  describe('before parsing', () => {
    it.each(['not-a-jwt', 'a.b', 'e30.e30.e30.e30', '!!.e30.sig', `${Buffer.from('[]').toString('base64url')}.e30.c2ln`])(
      'rejects %j as malformed',
      async (token) => {
        expect(await refusal(token)).toMatchObject({ code: 'EXCHANGE.TOKEN_MALFORMED' });
      },
    );

    it('rejects a signature in non-canonical base64url', async () => {
      const token = await user('2.0');
      // The last character of a 256-byte signature carries 4 padding bits: another spelling of the same bytes.
      const last = token.slice(-1);
      const variant = `${token.slice(0, -1)}${last === 'A' ? 'B' : String.fromCharCode(last.charCodeAt(0) ^ 1)}`;
      expect((await refusal(variant)).code).toMatch(/EXCHANGE\.(TOKEN_MALFORMED|BAD_SIGNATURE)/);
    });

    it('rejects a token over 16 KiB before parsing it', async () => {
      const token = tamper(await user('2.0'), (claims) => (claims['padding'] = 'x'.repeat(MAX_ENTRA_TOKEN_LENGTH)));
      expect(await refusal(token)).toMatchObject({ code: 'EXCHANGE.TOKEN_TOO_LARGE' });
    });

    it('rejects an empty token as missing', async () => {
      await expect(validator().validate('')).rejects.toMatchObject({ code: 'EXCHANGE.TOKEN_MISSING' });
    });
  });
});
