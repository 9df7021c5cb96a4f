import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { LatchkeyError } from '@latchkey/contracts';
import fc from 'fast-check';
import * as jose from 'jose';
import { generateSigningKey, type SigningKey } from '../signing-key';
import { codeOfRejection } from '../test-support/token-error-code';
import { DPOP_PROOF_ERROR_CODES, DpopProofError, verifyDpopProof, type DpopProofExpectations } from './dpop-proof';
import { createDpopProof } from './dpop-proof.testing';

const NOW = new Date('2030-01-01T00:00:00.750Z');
const IAT = Math.floor(NOW.getTime() / 1000);
const URL_ = 'https://api.latchkey.test/face/v1.0/detect?returnFaceId=true';
const HTU = 'https://api.latchkey.test/face/v1.0/detect';
const ACCESS_TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl';
const ATH = createHash('sha256').update(ACCESS_TOKEN).digest('base64url'); // computed here, not by the code under test

type KeyPair = { privateKey: jose.KeyLike; publicJwk: jose.JWK };

async function keyPair(alg: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await jose.generateKeyPair(alg);
  return { privateKey, publicJwk: await jose.exportJWK(publicKey) };
}

function expectations(overrides: Partial<DpopProofExpectations> = {}): DpopProofExpectations {
  return { method: 'POST', url: URL_, now: NOW, ...overrides };
}

/** Signs any header and claims with `key`: what a broken or hostile client could send. */
async function forge(key: KeyPair, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, alg = 'EdDSA'): Promise<string> {
  const payload = { jti: 'proof-1', htm: 'POST', htu: HTU, iat: IAT, ...claims };
  const protectedHeader = { alg, typ: 'dpop+jwt', jwk: key.publicJwk, ...header } as jose.JWTHeaderParameters;
  return new jose.SignJWT(payload).setProtectedHeader(protectedHeader).sign(key.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The DpopProofError code `promise` rejects with; fails the test otherwise. */
async function dpopCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DpopProofError) return error.code;
    throw error;
  }
  throw new Error('expected a DpopProofError, but it succeeded');
}

describe(DpopProofError.name, () => {
  it('is a LatchkeyError with a stable DPOP code, and every code is in the DPOP area and unique', () => {
    expect(new DpopProofError('DPOP.STALE', 'old')).toBeInstanceOf(LatchkeyError);
    expect(new DpopProofError('DPOP.STALE', 'old')).toMatchObject({ name: 'DpopProofError', code: 'DPOP.STALE' });
    expect(DPOP_PROOF_ERROR_CODES.every((code) => /^DPOP\.[A-Z_]+$/.test(code))).toBe(true);
    expect(new Set(DPOP_PROOF_ERROR_CODES).size).toBe(DPOP_PROOF_ERROR_CODES.length);
  });
});

describe(verifyDpopProof.name, () => {
  let ed: KeyPair;
  let stranger: KeyPair;
  let proof: string;
  beforeAll(async () => {
    [ed, stranger] = await Promise.all([keyPair('EdDSA'), keyPair('EdDSA')]);
    proof = await forge(ed);
  });

  it.each(['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'])('accepts a %s proof and reports its key thumbprint, jti and iat', async (alg) => {
    const key = await keyPair(alg);
    const verified = await verifyDpopProof(await forge(key, {}, {}, alg), expectations());
    expect(verified).toEqual({ jkt: await jose.calculateJwkThumbprint(key.publicJwk, 'sha256'), jti: 'proof-1', iat: IAT });
  });

  it('accepts a proof with a 4096-bit RSA key, well within the size limit', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
    const big = await forge({ privateKey, publicJwk: await jose.exportJWK(publicKey) }, {}, {}, 'PS256');
    expect(big.length).toBeLessThan(2_100);
    await expect(verifyDpopProof(big, expectations())).resolves.toMatchObject({ jti: 'proof-1' });
  });

  it('rejects no proof as MISSING', async () => {
    expect(await dpopCode(verifyDpopProof(undefined, expectations()))).toBe('DPOP.MISSING');
    expect(await dpopCode(verifyDpopProof('', expectations()))).toBe('DPOP.MISSING');
  });

  it('rejects two proofs joined by Node from repeated headers as MULTIPLE', async () => {
    expect(await dpopCode(verifyDpopProof(`${proof}, ${proof}`, expectations()))).toBe('DPOP.MULTIPLE');
    expect(await dpopCode(verifyDpopProof(`${proof},${proof}`, expectations()))).toBe('DPOP.MULTIPLE');
  });

  it('rejects a proof over 4 KiB as TOO_LARGE before parsing it', async () => {
    const padded = await forge(ed, { padding: 'x'.repeat(3_000) });
    expect(padded.length).toBeGreaterThan(4 * 1024);
    expect(await dpopCode(verifyDpopProof(padded, expectations()))).toBe('DPOP.TOO_LARGE');
    expect(await dpopCode(verifyDpopProof('%'.repeat(4 * 1024 + 1), expectations()))).toBe('DPOP.TOO_LARGE');
  });

  it.each(['abc', 'a.b', 'a.b.c.d', 'eyJ.eyJ.sig!', `${b64('not json')}.${b64({})}.c2ln`, `bm90IGpzb24.${b64({})}.c2ln`])(
    'rejects %j as MALFORMED',
    async (garbage) => {
      expect(await dpopCode(verifyDpopProof(garbage, expectations()))).toBe('DPOP.MALFORMED');
    },
  );

  it('rejects a header value that is not a string at runtime (an array of headers) as MALFORMED', async () => {
    expect(await dpopCode(verifyDpopProof([proof] as unknown as string, expectations()))).toBe('DPOP.MALFORMED');
  });

  it('rejects a signature spelled with non-canonical trailing bits as MALFORMED, though Node would decode it to the same bytes', async () => {
    const [header, payload, signature] = proof.split('.') as [string, string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const variant = signature.slice(0, -1) + (alphabet[alphabet.indexOf(signature.at(-1) ?? '') ^ 1] ?? '');
    expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(await dpopCode(verifyDpopProof(`${header}.${payload}.${variant}`, expectations()))).toBe('DPOP.MALFORMED');
  });

  it('rejects a signed payload that is not a JSON object as MALFORMED', async () => {
    const signed = await new jose.CompactSign(new TextEncoder().encode('[1]'))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'dpop+jwt', jwk: ed.publicJwk })
      .sign(ed.privateKey);
    expect(await dpopCode(verifyDpopProof(signed, expectations()))).toBe('DPOP.MALFORMED');
  });

  it.each([['JWT'], ['application/dpop+jwt'], ['DPOP+JWT'], [undefined]])('rejects typ %j as WRONG_TYPE', async (typ) => {
    expect(await dpopCode(verifyDpopProof(await forge(ed, {}, { typ }), expectations()))).toBe('DPOP.WRONG_TYPE');
  });

  it('rejects an unsecured proof (alg none) as ALG_NOT_ALLOWED', async () => {
    const unsecured = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: ed.publicJwk })}.${b64({ jti: 'j', htm: 'POST', htu: HTU, iat: IAT })}.c2ln`;
    expect(await dpopCode(verifyDpopProof(unsecured, expectations()))).toBe('DPOP.ALG_NOT_ALLOWED');
  });

  it('rejects an HS256 proof keyed with the public key (algorithm confusion) as ALG_NOT_ALLOWED', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(ed.publicJwk));
    const confused = await new jose.SignJWT({ jti: 'j', htm: 'POST', htu: HTU, iat: IAT })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: ed.publicJwk })
      .sign(secret);
    expect(await dpopCode(verifyDpopProof(confused, expectations()))).toBe('DPOP.ALG_NOT_ALLOWED');
  });

  it('rejects an asymmetric alg the verifier does not list as ALG_NOT_ALLOWED', async () => {
    const es = await keyPair('ES256');
    const esProof = await forge(es, {}, {}, 'ES256');
    await expect(verifyDpopProof(esProof, expectations())).resolves.toBeDefined();
    expect(await dpopCode(verifyDpopProof(esProof, expectations({ algorithms: ['EdDSA'] })))).toBe('DPOP.ALG_NOT_ALLOWED');
    const [, payload, signature] = esProof.split('.') as [string, string, string];
    const es512 = `${b64({ alg: 'ES512', typ: 'dpop+jwt', jwk: es.publicJwk })}.${payload}.${signature}`; // asymmetric, not in the default list
    expect(await dpopCode(verifyDpopProof(es512, expectations()))).toBe('DPOP.ALG_NOT_ALLOWED');
  });

  it.each<[string, unknown]>([
    ['no jwk', undefined],
    ['a jwk that is a string', 'key'],
    ['a jwk that is an array', [{ kty: 'OKP' }]],
    ['a jwk that is not a key', { kty: 'OKP', crv: 'Ed25519', x: 'short' }],
    ['a jwk of another type than alg (EC for EdDSA)', { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }],
  ])('rejects a proof with %s as KEY_INVALID', async (_why, jwk) => {
    expect(await dpopCode(verifyDpopProof(await forge(ed, {}, { jwk }), expectations()))).toBe('DPOP.KEY_INVALID');
  });

  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])('rejects a jwk carrying the private member %s as KEY_INVALID', async (member) => {
    const leaky = { ...ed.publicJwk, [member]: 'c2VjcmV0' };
    expect(await dpopCode(verifyDpopProof(await forge(ed, {}, { jwk: leaky }), expectations()))).toBe('DPOP.KEY_INVALID');
  });

  it('rejects a proof signed with an RSA key under 2048 bits as KEY_INVALID', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    // jose refuses to sign with such a key, so sign with node:crypto.
    const input = `${b64({ alg: 'RS256', typ: 'dpop+jwt', jwk: await jose.exportJWK(publicKey) })}.${b64({ jti: 'j', htm: 'POST', htu: HTU, iat: IAT })}`;
    const weak = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    expect(await dpopCode(verifyDpopProof(weak, expectations()))).toBe('DPOP.KEY_INVALID');
  });

  it('rejects a proof signed by another key than its jwk as BAD_SIGNATURE', async () => {
    const swapped = await forge(stranger, {}, { jwk: ed.publicJwk });
    expect(await dpopCode(verifyDpopProof(swapped, expectations()))).toBe('DPOP.BAD_SIGNATURE');
  });

  it('rejects any single-character change to the proof with a DpopProofError, never a raw error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.,'), async (position, replacement) => {
        const i = position % proof.length;
        fc.pre(proof[i] !== replacement);
        const altered = proof.slice(0, i) + replacement + proof.slice(i + 1);
        expect(DPOP_PROOF_ERROR_CODES).toContain(await dpopCode(verifyDpopProof(altered, expectations())));
      }),
      { numRuns: 200 },
    );
  });

  it.each<[string, Record<string, unknown>]>([
    ['jti is missing', { jti: undefined }],
    ['jti is empty', { jti: '' }],
    ['jti is longer than 128 characters', { jti: 'j'.repeat(129) }],
    ['jti holds whitespace', { jti: 'proof 1' }],
    ['htm is missing', { htm: undefined }],
    ['htu is missing', { htu: undefined }],
    ['iat is missing', { iat: undefined }],
    ['iat is a string', { iat: String(IAT) }],
    ['ath is not a string', { ath: 42 }],
  ])('rejects a proof whose %s as CLAIMS_INVALID', async (_why, claims) => {
    expect(await dpopCode(verifyDpopProof(await forge(ed, claims), expectations()))).toBe('DPOP.CLAIMS_INVALID');
  });

  it.each([['GET'], ['post']])('rejects a proof with htm %j for a POST as WRONG_METHOD (methods are case-sensitive)', async (htm) => {
    expect(await dpopCode(verifyDpopProof(await forge(ed, { htm }), expectations()))).toBe('DPOP.WRONG_METHOD');
  });

  it.each([
    ['another path', 'https://api.latchkey.test/face/v1.0/verify'],
    ['a trailing slash', `${HTU}/`],
    ['another host', 'https://evil.latchkey.test/face/v1.0/detect'],
    ['http instead of https', 'http://api.latchkey.test/face/v1.0/detect'],
    ['another port', 'https://api.latchkey.test:8443/face/v1.0/detect'],
    ['a path in another case', 'https://api.latchkey.test/FACE/v1.0/detect'],
    ['a non-http scheme', 'wss://api.latchkey.test/face/v1.0/detect'],
    ['something that is not a URL', '/face/v1.0/detect'],
  ])('rejects htu with %s as WRONG_URL', async (_why, htu) => {
    expect(await dpopCode(verifyDpopProof(await forge(ed, { htu }), expectations()))).toBe('DPOP.WRONG_URL');
  });

  it.each([
    ['its own query and fragment', `${HTU}?other=1#part`],
    ['scheme and host in upper case', 'HTTPS://API.LATCHKEY.TEST/face/v1.0/detect'],
    ['the default port', 'https://api.latchkey.test:443/face/v1.0/detect'],
    ['dot segments', 'https://api.latchkey.test/face/v2/../v1.0/./detect'],
    ['an unreserved character percent-encoded', 'https://api.latchkey.test/%66ace/v1.0/detect'],
  ])('accepts htu with %s (RFC 3986 normalisation, query and fragment ignored)', async (_why, htu) => {
    await expect(verifyDpopProof(await forge(ed, { htu }), expectations())).resolves.toMatchObject({ jti: 'proof-1' });
  });

  it('compares percent-encodings case-insensitively', async () => {
    const encoded = await forge(ed, { htu: 'https://api.latchkey.test/persons/a%2fb' });
    await expect(verifyDpopProof(encoded, expectations({ url: 'https://api.latchkey.test/persons/a%2Fb' }))).resolves.toBeDefined();
  });

  it('accepts a proof up to 60 s old plus the 5 s tolerance, and refuses it a second later as STALE', async () => {
    await expect(verifyDpopProof(await forge(ed, { iat: IAT - 65 }), expectations())).resolves.toBeDefined();
    expect(await dpopCode(verifyDpopProof(await forge(ed, { iat: IAT - 66 }), expectations()))).toBe('DPOP.STALE');
  });

  it('applies maxAgeSeconds and clockToleranceSeconds when given', async () => {
    const old = await forge(ed, { iat: IAT - 11 });
    await expect(verifyDpopProof(old, expectations({ maxAgeSeconds: 10, clockToleranceSeconds: 1 }))).resolves.toBeDefined();
    expect(await dpopCode(verifyDpopProof(old, expectations({ maxAgeSeconds: 10, clockToleranceSeconds: 0 })))).toBe('DPOP.STALE');
  });

  it('accepts iat up to the tolerance in the future, and refuses it beyond as NOT_YET_VALID', async () => {
    await expect(verifyDpopProof(await forge(ed, { iat: IAT + 5 }), expectations())).resolves.toBeDefined();
    expect(await dpopCode(verifyDpopProof(await forge(ed, { iat: IAT + 6 }), expectations()))).toBe('DPOP.NOT_YET_VALID');
  });

  it('honours an optional exp and nbf against the verifier clock', async () => {
    expect(await dpopCode(verifyDpopProof(await forge(ed, { exp: IAT - 10 }), expectations()))).toBe('DPOP.STALE');
    expect(await dpopCode(verifyDpopProof(await forge(ed, { nbf: IAT + 60 }), expectations()))).toBe('DPOP.NOT_YET_VALID');
  });

  it('requires ath to be the hash of the presented access token, on the resource server side', async () => {
    const bound = await forge(ed, { ath: ATH });
    await expect(verifyDpopProof(bound, expectations({ accessToken: ACCESS_TOKEN }))).resolves.toBeDefined();
    expect(await dpopCode(verifyDpopProof(bound, expectations({ accessToken: `${ACCESS_TOKEN}x` })))).toBe('DPOP.ATH_MISMATCH');
    expect(await dpopCode(verifyDpopProof(proof, expectations({ accessToken: ACCESS_TOKEN })))).toBe('DPOP.ATH_MISMATCH');
  });

  it('ignores ath when no access token is presented (a token request)', async () => {
    await expect(verifyDpopProof(await forge(ed, { ath: 'unrelated' }), expectations())).resolves.toBeDefined();
  });

  it("requires the proof key to be the token's cnf.jkt when one is expected, else KEY_MISMATCH", async () => {
    const jkt = await jose.calculateJwkThumbprint(ed.publicJwk, 'sha256');
    await expect(verifyDpopProof(proof, expectations({ expectedJkt: jkt }))).resolves.toMatchObject({ jkt });
    const otherJkt = await jose.calculateJwkThumbprint(stranger.publicJwk, 'sha256');
    expect(await dpopCode(verifyDpopProof(proof, expectations({ expectedJkt: otherJkt })))).toBe('DPOP.KEY_MISMATCH');
  });

  it.each<[string, Partial<DpopProofExpectations>]>([
    ['an invalid date', { now: new Date(Number.NaN) }],
    ['a negative maximum age', { maxAgeSeconds: -1 }],
    ['an infinite tolerance', { clockToleranceSeconds: Number.POSITIVE_INFINITY }],
    ['no algorithm', { algorithms: [] }],
    ['alg none', { algorithms: ['EdDSA', 'none'] }],
    ['an HMAC algorithm', { algorithms: ['HS256'] }],
    ['a relative request URL', { url: '/face/v1.0/detect' }],
    ['a non-http request URL', { url: 'ftp://api.latchkey.test/face' }],
  ])('reports a verifier given %s as OPTIONS_INVALID, even without a proof', async (_why, overrides) => {
    expect(await dpopCode(verifyDpopProof(proof, expectations(overrides)))).toBe('DPOP.OPTIONS_INVALID');
    expect(await dpopCode(verifyDpopProof(undefined, expectations(overrides)))).toBe('DPOP.OPTIONS_INVALID');
  });

  it('never puts the proof or the access token in an error message or its details', async () => {
    const failures = await Promise.all([
      verifyDpopProof(proof, expectations({ accessToken: ACCESS_TOKEN })).catch((e: unknown) => e),
      verifyDpopProof(`${proof}, ${proof}`, expectations()).catch((e: unknown) => e),
      verifyDpopProof(proof, expectations({ method: 'GET' })).catch((e: unknown) => e),
      verifyDpopProof(await forge(stranger, {}, { jwk: ed.publicJwk }), expectations()).catch((e: unknown) => e),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(DpopProofError);
      const text = `${(failure as DpopProofError).message} ${JSON.stringify((failure as DpopProofError).details)}`;
      for (const secret of [proof, ...proof.split('.'), ACCESS_TOKEN, ATH]) expect(text).not.toContain(secret);
    }
  });
});

describe(createDpopProof.name, () => {
  let ed: SigningKey;
  beforeAll(async () => {
    ed = await generateSigningKey('EdDSA');
  });

  it('creates a proof the verifier accepts, from the JWKs of a SigningKey, with htu stripped of query and fragment', async () => {
    const created = await createDpopProof({ privateKey: ed.privateJwk, publicJwk: ed.publicJwk, method: 'POST', url: `${URL_}#f`, iat: IAT, jti: 'given', accessToken: ACCESS_TOKEN });
    expect(jose.decodeProtectedHeader(created)).toEqual({ alg: 'EdDSA', typ: 'dpop+jwt', jwk: ed.publicJwk });
    expect(jose.decodeJwt(created)).toEqual({ jti: 'given', htm: 'POST', htu: HTU, iat: IAT, ath: ATH });
    await expect(verifyDpopProof(created, expectations({ accessToken: ACCESS_TOKEN, expectedJkt: ed.kid }))).resolves.toEqual({ jkt: ed.kid, jti: 'given', iat: IAT });
  });

  it('accepts a Node KeyObject as the private key and gives every proof its own jti', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicJwk = { ...(await jose.exportJWK(publicKey)), kty: 'EC' };
    const input = { privateKey, publicJwk, alg: 'ES256', method: 'POST', url: URL_, iat: IAT };
    const [a, b] = await Promise.all([createDpopProof(input), createDpopProof(input)]);
    const [va, vb] = await Promise.all([verifyDpopProof(a, expectations()), verifyDpopProof(b, expectations())]);
    expect(va.jti).not.toBe(vb.jti);
  });

  it.each<[string, object]>([
    ['a publicJwk with a private member', { publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd', alg: 'EdDSA' } }],
    ['no alg', { publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' } }],
    ['a URL that is not absolute', { url: '/face' }],
  ])('refuses %s with INPUT_INVALID', async (_why, overrides) => {
    const input = { privateKey: ed.privateJwk, publicJwk: ed.publicJwk, method: 'POST', url: URL_, ...overrides };
    expect(await codeOfRejection(createDpopProof(input))).toBe('TOKENS.INPUT_INVALID');
  });
});
