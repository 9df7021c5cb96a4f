import { ACCESS_TOKEN_TYP, LAT_TYP, type FeatureFlag } from '@latchkey/contracts';
import fc from 'fast-check';
import * as jose from 'jose';
import { KeyRing } from './key-ring';
import { signLimitedAccessToken, verifyLimitedAccessToken, type LimitedAccessTokenInput } from './limited-access-token';
import { signResourceToken } from './resource-token';
import { generateSigningKey, type SigningKey } from './signing-key';
import type { JsonWebKeySet } from './verify-jwt';
import { b64json, CANONICAL, forgeToken, IAT, ISSUER, latClaims, latInput, NOW, RESOURCE } from './test-support/lat-fixtures';
import { codeOfRejection } from './test-support/token-error-code';

const OTHER_RESOURCE =
  '/subscriptions/0f8fad5b-d9cb-469f-a165-70867728950e/resourceGroups/RG-One/providers/Microsoft.CognitiveServices/accounts/Face-Two';
const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';

function decodeSegment(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe(signLimitedAccessToken.name, () => {
  let es: SigningKey;
  let ed: SigningKey;
  beforeAll(async () => {
    [es, ed] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('EdDSA')]);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each(['ES256', 'EdDSA'] as const)('signs a %s token with header { alg, kid, typ: lat+jwt } and the granted claims', async (alg) => {
    const key = alg === 'ES256' ? es : ed;
    const { token, claims: signed, kid } = await signLimitedAccessToken(latInput(), key);
    expect(kid).toBe(key.kid);
    expect(decodeSegment(token, 0)).toEqual({ alg, kid: key.kid, typ: 'lat+jwt' });
    const payload = decodeSegment(token, 1);
    expect(payload).toEqual({
      iss: ISSUER,
      aud: CANONICAL,
      sub: CANONICAL,
      isv: 'isv-contoso',
      features: ['Face.Identification', 'Face.Verification'],
      iat: IAT,
      nbf: IAT,
      exp: IAT + 3600,
      jti: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    });
    expect(signed).toEqual(payload);
  });

  it('carries exactly the requested lifetime, the given jti and the DPoP thumbprint when asked', async () => {
    const { claims: signed } = await signLimitedAccessToken(latInput({ lifetimeSeconds: 60, jti: 'jti-given', cnfJkt: JKT }), ed);
    expect(signed.exp - signed.iat).toBe(60);
    expect(signed.jti).toBe('jti-given');
    expect(signed.cnf).toEqual({ jkt: JKT });
  });

  it('gives every token its own jti', async () => {
    const [a, b] = await Promise.all([signLimitedAccessToken(latInput(), ed), signLimitedAccessToken(latInput(), ed)]);
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it.each<[string, Partial<LimitedAccessTokenInput>]>([
    ['a lifetime under 60 s', { lifetimeSeconds: 59 }],
    ['a lifetime over 86 400 s', { lifetimeSeconds: 86_401 }],
    ['a fractional lifetime', { lifetimeSeconds: 3600.5 }],
    ['no feature', { features: [] }],
    ['an unknown feature', { features: ['Face.Everything' as FeatureFlag] }],
    ['a feature twice', { features: ['Face.Verification', 'Face.Verification'] }],
    ['a resource id that is not one', { resourceId: '/subscriptions/not-a-guid/resourceGroups/rg' }],
    ['an empty issuer', { issuer: '' }],
    ['an ISV id with a space', { isvId: 'isv contoso' }],
    ['a cnf.jkt that is not a thumbprint', { cnfJkt: 'short' }],
    ['an invalid date', { now: new Date(Number.NaN) }],
  ])('refuses %s with INPUT_INVALID and signs nothing', async (_why, overrides) => {
    const signSpy = jest.spyOn(jose.SignJWT.prototype, 'sign');
    expect(await codeOfRejection(signLimitedAccessToken(latInput(overrides), ed))).toBe('TOKENS.INPUT_INVALID');
    expect(signSpy).not.toHaveBeenCalled();
  });
});

describe(verifyLimitedAccessToken.name, () => {
  let es: SigningKey;
  let ed: SigningKey;
  let stranger: SigningKey;
  let jwks: JsonWebKeySet;
  let token: string;
  const options = () => ({ jwks, issuer: ISSUER, audience: RESOURCE, now: NOW });
  beforeAll(async () => {
    [es, ed, stranger] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('EdDSA'), generateSigningKey('EdDSA')]);
    // Both algorithms in one set: a verifier accepts either during a change of default.
    jwks = new KeyRing([{ key: ed, status: 'active' }, { key: es, status: 'retiring', notAfter: NOW }]).publicJwks();
    ({ token } = await signLimitedAccessToken(latInput(), ed));
  });

  it.each(['ES256', 'EdDSA'] as const)('round-trips a %s token and reports its claims and key', async (alg) => {
    const key = alg === 'ES256' ? es : ed;
    const signed = await signLimitedAccessToken(latInput({ cnfJkt: JKT }), key);
    const verified = await verifyLimitedAccessToken(signed.token, options());
    expect(verified).toEqual({ claims: signed.claims, kid: key.kid, alg });
  });

  it('compares the audience case-insensitively, as Azure resource ids are', async () => {
    const verified = await verifyLimitedAccessToken(token, { ...options(), audience: RESOURCE.toUpperCase() });
    expect(verified.claims.aud).toBe(CANONICAL);
  });

  it('rejects a changed payload byte as BAD_SIGNATURE', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const i = Math.floor(payload.length / 2);
    const altered = payload.slice(0, i) + (payload[i] === 'A' ? 'B' : 'A') + payload.slice(i + 1);
    expect(await codeOfRejection(verifyLimitedAccessToken(`${header}.${altered}.${signature}`, options()))).toBe('TOKENS.BAD_SIGNATURE');
  });

  it('rejects a changed signature byte as BAD_SIGNATURE', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const altered = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(await codeOfRejection(verifyLimitedAccessToken(`${header}.${payload}.${altered}`, options()))).toBe('TOKENS.BAD_SIGNATURE');
  });

  it('rejects a signature spelled with non-canonical trailing bits as MALFORMED, though Node would decode it to the same bytes', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    // 64 signature bytes take 86 characters; the last one carries 4 unused bits.
    const last = signature.at(-1) ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? '';
    const variant = signature.slice(0, -1) + sibling;
    expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(await codeOfRejection(verifyLimitedAccessToken(`${header}.${payload}.${variant}`, options()))).toBe('TOKENS.MALFORMED');
  });

  it('rejects any single-character change to the payload or signature segment', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('payload', 'signature'),
        // Ends weighted: the last character is where lenient base64url decoding hides changes.
        fc.oneof(fc.nat(), fc.constantFrom(-1, -2)),
        fc.oneof(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), fc.string({ minLength: 1, maxLength: 1 })),
        async (segment, position, replacement) => {
          const original = segment === 'payload' ? payload : signature;
          const i = position < 0 ? original.length + position : position % original.length;
          fc.pre(original[i] !== replacement);
          const changed = original.slice(0, i) + replacement + original.slice(i + 1);
          const altered = segment === 'payload' ? `${header}.${changed}.${signature}` : `${header}.${payload}.${changed}`;
          expect(['TOKENS.BAD_SIGNATURE', 'TOKENS.MALFORMED']).toContain(await codeOfRejection(verifyLimitedAccessToken(altered, options())));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects an access token (at+jwt) for the same resource as WRONG_TYPE', async () => {
    const resourceToken = await signResourceToken({ issuer: ISSUER, resourceId: RESOURCE, now: NOW }, ed);
    expect(await codeOfRejection(verifyLimitedAccessToken(resourceToken.token, options()))).toBe('TOKENS.WRONG_TYPE');
  });

  it.each([
    ['typ JWT', { typ: 'JWT' }],
    ['typ at+jwt', { typ: ACCESS_TOKEN_TYP }],
    ['no typ', { typ: undefined }],
  ])('rejects LAT claims under %s as WRONG_TYPE', async (_why, header) => {
    expect(await codeOfRejection(verifyLimitedAccessToken(await forgeToken(ed, latClaims(), header), options()))).toBe('TOKENS.WRONG_TYPE');
  });

  it('rejects a token of another issuer as WRONG_ISSUER', async () => {
    const foreign = await signLimitedAccessToken(latInput({ issuer: 'https://evil.test' }), ed);
    expect(await codeOfRejection(verifyLimitedAccessToken(foreign.token, options()))).toBe('TOKENS.WRONG_ISSUER');
  });

  it("rejects a token for another client's resource as WRONG_AUDIENCE", async () => {
    expect(await codeOfRejection(verifyLimitedAccessToken(token, { ...options(), audience: OTHER_RESOURCE }))).toBe('TOKENS.WRONG_AUDIENCE');
  });

  it('rejects the token as EXPIRED once exp plus the 5 s tolerance has passed, and not a second earlier', async () => {
    const exp = IAT + 3600;
    await expect(verifyLimitedAccessToken(token, { ...options(), now: new Date((exp + 4) * 1000) })).resolves.toBeDefined();
    expect(await codeOfRejection(verifyLimitedAccessToken(token, { ...options(), now: new Date((exp + 5) * 1000) }))).toBe('TOKENS.EXPIRED');
  });

  it('rejects a token used before nbf minus the tolerance as NOT_YET_VALID', async () => {
    expect(await codeOfRejection(verifyLimitedAccessToken(token, { ...options(), now: new Date((IAT - 6) * 1000) }))).toBe('TOKENS.NOT_YET_VALID');
  });

  it('rejects a token whose iat is older than the maximum token age as EXPIRED, whatever its exp says', async () => {
    const ancient = await forgeToken(ed, latClaims({ iat: IAT - 90_000, nbf: IAT - 90_000, exp: IAT + 60 }));
    expect(await codeOfRejection(verifyLimitedAccessToken(ancient, options()))).toBe('TOKENS.EXPIRED');
  });

  it('rejects a token signed by a key outside the JWKS as UNKNOWN_KEY', async () => {
    const foreign = await signLimitedAccessToken(latInput(), stranger);
    expect(await codeOfRejection(verifyLimitedAccessToken(foreign.token, options()))).toBe('TOKENS.UNKNOWN_KEY');
  });

  it('rejects a header naming an ES256 alg with the kid of an EdDSA key as UNKNOWN_KEY', async () => {
    const [, payload, signature] = token.split('.') as [string, string, string];
    const header = b64json({ alg: 'ES256', kid: ed.kid, typ: LAT_TYP });
    expect(await codeOfRejection(verifyLimitedAccessToken(`${header}.${payload}.${signature}`, options()))).toBe('TOKENS.UNKNOWN_KEY');
  });

  it('rejects a token without kid as MALFORMED', async () => {
    const kidless = await forgeToken(ed, latClaims(), { kid: undefined });
    expect(await codeOfRejection(verifyLimitedAccessToken(kidless, options()))).toBe('TOKENS.MALFORMED');
  });

  it.each([
    ['jku', 'https://evil.test/jwks.json'],
    ['x5u', 'https://evil.test/cert.pem'],
    ['jwk', { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }],
    ['x5c', ['MIIBszCCAVmgAwIBAgIUDGVzdA==']],
  ])('rejects a header carrying %s as MALFORMED, even when signed by a published key', async (parameter, value) => {
    expect(await codeOfRejection(verifyLimitedAccessToken(await forgeToken(ed, latClaims(), { [parameter]: value }), options()))).toBe(
      'TOKENS.MALFORMED',
    );
  });

  it('rejects an unsecured token (alg none) whatever its signature segment', async () => {
    const unsecured = `${b64json({ alg: 'none', kid: ed.kid, typ: LAT_TYP })}.${b64json(latClaims())}`;
    expect(await codeOfRejection(verifyLimitedAccessToken(`${unsecured}.`, options()))).toBe('TOKENS.MALFORMED');
    expect(await codeOfRejection(verifyLimitedAccessToken(`${unsecured}.c2ln`, options()))).toBe('TOKENS.BAD_SIGNATURE');
  });

  it('rejects an HS256 token keyed with the public key (algorithm confusion) as BAD_SIGNATURE', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(ed.publicJwk));
    const confused = await new jose.SignJWT(latClaims())
      .setProtectedHeader({ alg: 'HS256', kid: ed.kid, typ: LAT_TYP })
      .sign(secret);
    expect(await codeOfRejection(verifyLimitedAccessToken(confused, options()))).toBe('TOKENS.BAD_SIGNATURE');
  });

  it('rejects a token over 8 KiB as TOO_LARGE before parsing it', async () => {
    const padded = await forgeToken(ed, latClaims({ padding: 'x'.repeat(6_200) }));
    expect(padded.length).toBeGreaterThan(8 * 1024);
    expect(await codeOfRejection(verifyLimitedAccessToken(padded, options()))).toBe('TOKENS.TOO_LARGE');
    expect(await codeOfRejection(verifyLimitedAccessToken('%'.repeat(8 * 1024 + 1), options()))).toBe('TOKENS.TOO_LARGE');
  });

  it('rejects a missing token (an absent header at runtime) as MALFORMED instead of crashing', async () => {
    expect(await codeOfRejection(verifyLimitedAccessToken(undefined as unknown as string, options()))).toBe('TOKENS.MALFORMED');
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', `${'a'.repeat(10)}..${'b'.repeat(10)}`, 'eyJ.eyJ.sig!'])(
    'rejects %j as MALFORMED',
    async (garbage) => {
      expect(await codeOfRejection(verifyLimitedAccessToken(garbage, options()))).toBe('TOKENS.MALFORMED');
    },
  );

  it.each<[string, Record<string, unknown>]>([
    ['features is missing', { features: undefined }],
    ['a feature is unknown', { features: ['Face.Everything'] }],
    ['the lifetime exceeds 86 400 s', { exp: IAT + 86_401 }],
    ['sub names another resource', { sub: OTHER_RESOURCE.toLowerCase() }],
    ['aud is an array', { aud: [CANONICAL] }],
    ['jti is missing', { jti: undefined }],
    ['isv is missing', { isv: undefined }],
  ])('rejects a validly signed token whose %s as CLAIMS_INVALID', async (_why, overrides) => {
    expect(await codeOfRejection(verifyLimitedAccessToken(await forgeToken(ed, latClaims(overrides)), options()))).toBe('TOKENS.CLAIMS_INVALID');
  });

  it('keeps verifying a token after a rotation, while its key is retiring, and refuses it once the key is retired', async () => {
    const issuedBefore = await signLimitedAccessToken(latInput(), ed);
    const next = await generateSigningKey('EdDSA');
    const rotated = new KeyRing([{ key: ed, status: 'active' }]).rotated(next, NOW);
    await expect(verifyLimitedAccessToken(issuedBefore.token, { ...options(), jwks: rotated.publicJwks() })).resolves.toMatchObject({
      kid: ed.kid,
    });
    const issuedAfter = await signLimitedAccessToken(latInput(), rotated.signingKey());
    await expect(verifyLimitedAccessToken(issuedAfter.token, { ...options(), jwks: rotated.publicJwks() })).resolves.toMatchObject({
      kid: next.kid,
    });
    const retired = new KeyRing([{ key: next, status: 'active' }, { key: ed, status: 'retired', notAfter: NOW }]);
    expect(await codeOfRejection(verifyLimitedAccessToken(issuedBefore.token, { ...options(), jwks: retired.publicJwks() }))).toBe(
      'TOKENS.UNKNOWN_KEY',
    );
  });

  it('reports a JWKS that holds a private key, or is no key set, as JWKS_INVALID rather than blaming the token', async () => {
    const leaky = { keys: [{ ...ed.privateJwk }] };
    expect(await codeOfRejection(verifyLimitedAccessToken(token, { ...options(), jwks: leaky }))).toBe('TOKENS.JWKS_INVALID');
    const notASet = { keys: 'none' } as unknown as JsonWebKeySet;
    expect(await codeOfRejection(verifyLimitedAccessToken(token, { ...options(), jwks: notASet }))).toBe('TOKENS.JWKS_INVALID');
  });
});
