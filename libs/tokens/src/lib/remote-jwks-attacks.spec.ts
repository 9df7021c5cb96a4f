import { createPublicKey } from 'node:crypto';
import { LAT_TYP } from '@latchkey/contracts';
import * as jose from 'jose';
import { KeyRing } from './key-ring';
import { signLimitedAccessToken, verifyLimitedAccessToken } from './limited-access-token';
import { createRemoteJwks, type RemoteJwks } from './remote-jwks';
import { signResourceToken } from './resource-token';
import { generateSigningKey, type SigningKey } from './signing-key';
import { CountingServer } from './test-support/counting-server';
import { b64json, forgeToken, ISSUER, latClaims, latInput, NOW, RESOURCE } from './test-support/lat-fixtures';
import { codeOfRejection } from './test-support/token-error-code';

/**
 * Forged and altered tokens against a verifier that uses the issuer's JWKS over HTTP. Each is refused with
 * its code, and none causes a request: not to the issuer (the verifier refetches for an unknown kid, here
 * with no cooldown, so any token that reached a key lookup with a made-up kid would show up as a request),
 * and not to the server its header points at. limited-access-token.spec.ts covers the codes with a held set.
 */
describe(`${verifyLimitedAccessToken.name} with a remote JWKS, under attack`, () => {
  let issuer: CountingServer;
  let elsewhere: CountingServer;
  let ed: SigningKey;
  let attacker: SigningKey;
  let token: string;
  let jwks: RemoteJwks;

  /** The code a token is refused with, and how many requests its verification caused on either server. */
  async function refusal(jwt: string): Promise<{ code: string; requests: number }> {
    const before = issuer.hits + elsewhere.hits;
    const code = await codeOfRejection(verifyLimitedAccessToken(jwt, { jwks, issuer: ISSUER, audience: RESOURCE, now: NOW }));
    return { code, requests: issuer.hits + elsewhere.hits - before };
  }
  const segments = (jwt: string) => jwt.split('.') as [string, string, string];
  const spkiPem = (key: SigningKey) => createPublicKey({ key: { ...key.publicJwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });

  beforeAll(async () => {
    [issuer, elsewhere, ed, attacker] = await Promise.all([
      CountingServer.start(),
      CountingServer.start(),
      generateSigningKey('EdDSA'),
      generateSigningKey('EdDSA'),
    ]);
    issuer.serve(new KeyRing([{ key: ed, status: 'active' }]).publicJwks());
    // The attacker's key, served where the forged headers point: following them would make the forgery verify.
    elsewhere.serve(new KeyRing([{ key: attacker, status: 'active' }]).publicJwks());
    ({ token } = await signLimitedAccessToken(latInput(), ed));
  });
  beforeEach(async () => {
    jwks = createRemoteJwks(issuer.url, { cooldownMs: 0 });
    await jwks.warmUp();
  });
  afterAll(async () => {
    await Promise.all([issuer.close(), elsewhere.close()]);
  });

  it('accepts the genuine token without a request (the baseline the refusals are measured against)', async () => {
    const before = issuer.hits;
    await expect(verifyLimitedAccessToken(token, { jwks, issuer: ISSUER, audience: RESOURCE, now: NOW })).resolves.toBeDefined();
    expect(issuer.hits).toBe(before);
  });

  it('refetches once for a kid it does not know, and refuses it as UNKNOWN_KEY (what the other refusals must not cause)', async () => {
    expect(await refusal(await forgeToken(attacker, latClaims()))).toEqual({ code: 'TOKENS.UNKNOWN_KEY', requests: 1 });
  });

  describe.each([
    ['jku', () => elsewhere.url],
    ['x5u', () => `${elsewhere.origin}/attacker.pem`],
    ['jwk', () => ({ ...attacker.publicJwk })],
    ['x5c', () => ['MIIBszCCAVmgAwIBAgIUDGVzdA==']],
  ])('a header carrying %s', (parameter, value) => {
    it.each([
      ["the attacker's kid", () => attacker.kid],
      ["the issuer's kid", () => ed.kid],
    ])('is refused as MALFORMED with %s, and nothing is fetched from anywhere', async (_kid, kid) => {
      const forged = await forgeToken(attacker, latClaims(), { kid: kid(), [parameter]: value() });
      expect(await refusal(forged)).toEqual({ code: 'TOKENS.MALFORMED', requests: 0 });
      expect(elsewhere.hits).toBe(0);
    });
  });

  it.each(['none', 'NONE', 'None', 'nOnE'])('refuses an unsecured token (alg %j) without a request', async (alg) => {
    const unsecured = `${b64json({ alg, kid: ed.kid, typ: LAT_TYP })}.${b64json(latClaims())}`;
    expect(await refusal(`${unsecured}.`)).toEqual({ code: 'TOKENS.MALFORMED', requests: 0 });
    expect(await refusal(`${unsecured}.c2ln`)).toEqual({ code: 'TOKENS.BAD_SIGNATURE', requests: 0 });
  });

  it.each<[string, () => Uint8Array]>([
    ['the public JWK as JSON', () => new TextEncoder().encode(JSON.stringify(ed.publicJwk))],
    ['the raw public key bytes', () => Buffer.from(ed.publicJwk.x, 'base64url')],
    ['the public key as SPKI PEM', () => Buffer.from(spkiPem(ed))],
  ])('refuses an HS256 token keyed with %s (algorithm confusion) as BAD_SIGNATURE without a request', async (_secret, secret) => {
    const confused = await new jose.SignJWT(latClaims()).setProtectedHeader({ alg: 'HS256', kid: ed.kid, typ: LAT_TYP }).sign(secret());
    expect(await refusal(confused)).toEqual({ code: 'TOKENS.BAD_SIGNATURE', requests: 0 });
  });

  it('refuses a token whose crit names an extension it does not know, though signed by the issuer key, as MALFORMED', async () => {
    const critical = await forgeToken(ed, latClaims(), { crit: ['x-unknown'], 'x-unknown': true }, { crit: { 'x-unknown': true } });
    expect(await refusal(critical)).toEqual({ code: 'TOKENS.MALFORMED', requests: 0 });
  });

  it('refuses a token with its signature stripped as MALFORMED', async () => {
    const [header, payload] = segments(token);
    expect(await refusal(`${header}.${payload}.`)).toEqual({ code: 'TOKENS.MALFORMED', requests: 0 });
    expect(await refusal(`${header}.${payload}`)).toEqual({ code: 'TOKENS.MALFORMED', requests: 0 });
  });

  it('refuses a token whose payload grants one more feature as BAD_SIGNATURE', async () => {
    const [header, payload, signature] = segments(token);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { features: string[] };
    const widened = b64json({ ...claims, features: [...claims.features, 'LimitedAccess.HighRisk'] });
    expect(await refusal(`${header}.${widened}.${signature}`)).toEqual({ code: 'TOKENS.BAD_SIGNATURE', requests: 0 });
  });

  it('refuses a token over 8 KiB as TOO_LARGE', async () => {
    const padded = await forgeToken(attacker, latClaims({ padding: 'x'.repeat(6_200) }), { jku: elsewhere.url });
    expect(await refusal(padded)).toEqual({ code: 'TOKENS.TOO_LARGE', requests: 0 });
  });

  it('refuses an access token (typ at+jwt) signed by the issuer key as WRONG_TYPE', async () => {
    const accessToken = await signResourceToken({ issuer: ISSUER, resourceId: RESOURCE, now: NOW }, ed);
    expect(await refusal(accessToken.token)).toEqual({ code: 'TOKENS.WRONG_TYPE', requests: 0 });
  });

  it('refuses a token without kid as MALFORMED', async () => {
    expect(await refusal(await forgeToken(attacker, latClaims(), { kid: undefined }))).toEqual({ code: 'TOKENS.MALFORMED', requests: 0 });
  });
});
