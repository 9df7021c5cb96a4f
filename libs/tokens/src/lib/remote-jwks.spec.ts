import { KeyRing } from './key-ring';
import { signLimitedAccessToken, verifyLimitedAccessToken } from './limited-access-token';
import { createRemoteJwks, DEFAULT_REMOTE_JWKS_OPTIONS, RemoteJwks, type RemoteJwksOptions } from './remote-jwks';
import { generateSigningKey, type SigningKey } from './signing-key';
import { TokenError } from './token-error';
import { CountingServer } from './test-support/counting-server';
import { forgeToken, ISSUER, latClaims, latInput, NOW, RESOURCE } from './test-support/lat-fixtures';
import { codeOf, codeOfRejection } from './test-support/token-error-code';

const { cooldownMs: COOLDOWN, cacheMaxAgeMs: MAX_AGE } = DEFAULT_REMOTE_JWKS_OPTIONS;

describe(RemoteJwks.name, () => {
  let ed: SigningKey;
  let next: SigningKey;
  let stranger: SigningKey;
  let ring: KeyRing;
  let token: string;
  let server: CountingServer;
  /** jose times its cache and cooldown with Date.now(); the tests move it instead of waiting. */
  let clock: number;

  const verify = (jwt: string, jwks: RemoteJwks) => verifyLimitedAccessToken(jwt, { jwks, issuer: ISSUER, audience: RESOURCE, now: NOW });
  const remote = (options?: RemoteJwksOptions) => createRemoteJwks(server.url, options);

  beforeAll(async () => {
    [ed, next, stranger] = await Promise.all([generateSigningKey('EdDSA'), generateSigningKey('EdDSA'), generateSigningKey('ES256')]);
    ring = new KeyRing([{ key: ed, status: 'active' }]);
    ({ token } = await signLimitedAccessToken(latInput(), ed));
  });
  beforeEach(async () => {
    server = await CountingServer.start();
    server.serve(ring.publicJwks());
    clock = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await server.close();
  });

  it('verifies a token with the keys fetched from the configured URL, and the next ones from its cache', async () => {
    const jwks = remote();
    const signed = await signLimitedAccessToken(latInput(), ed);
    await expect(verify(signed.token, jwks)).resolves.toEqual({ claims: signed.claims, kid: ed.kid, alg: 'EdDSA' });
    await expect(verify(token, jwks)).resolves.toMatchObject({ kid: ed.kid });
    expect(server.requests).toEqual(['/.well-known/jwks.json']);
  });

  it('shares one request between the verifications that arrive before the first answer', async () => {
    const jwks = remote();
    await Promise.all(Array.from({ length: 8 }, () => expect(verify(token, jwks)).resolves.toBeDefined()));
    expect(server.hits).toBe(1);
  });

  it('makes no request until warmed up, then reports its keys, their age and freshness without a request', async () => {
    const jwks = remote();
    expect(jwks.status()).toEqual({ hasKeys: false, keyCount: 0, fresh: false, lastFetchedAt: undefined, lastFailedAt: undefined });
    expect(server.hits).toBe(0);
    const fetchedAt = clock;
    await jwks.warmUp();
    clock += 1_000;
    await expect(verify(token, jwks)).resolves.toBeDefined();
    expect(jwks.status()).toEqual({ hasKeys: true, keyCount: 1, fresh: true, lastFetchedAt: new Date(fetchedAt), lastFailedAt: undefined });
    clock = fetchedAt + MAX_AGE;
    expect(jwks.status()).toMatchObject({ hasKeys: true, fresh: false });
    expect(server.hits).toBe(1);
  });

  it('refetches for unknown kids at most once per cooldown, and refuses them as UNKNOWN_KEY from its cache meanwhile', async () => {
    const jwks = remote();
    await jwks.warmUp();
    const foreign = (await signLimitedAccessToken(latInput(), stranger)).token;
    // Within the cooldown of the warm-up: refused from the cache.
    expect(await codeOfRejection(verify(foreign, jwks))).toBe('TOKENS.UNKNOWN_KEY');
    expect(server.hits).toBe(1);

    clock += COOLDOWN;
    // Past it: one refetch, shared by the tokens in flight, then refusals from the cache, whatever kids they make up.
    const codes = await Promise.all(Array.from({ length: 5 }, () => codeOfRejection(verify(foreign, jwks))));
    expect(codes).toEqual(Array(5).fill('TOKENS.UNKNOWN_KEY'));
    for (const kid of ['made-up-1', 'made-up-2', stranger.kid]) {
      expect(await codeOfRejection(verify(await forgeToken(ed, latClaims(), { kid }), jwks))).toBe('TOKENS.UNKNOWN_KEY');
    }
    expect(server.hits).toBe(2);

    clock += COOLDOWN;
    expect(await codeOfRejection(verify(foreign, jwks))).toBe('TOKENS.UNKNOWN_KEY');
    expect(server.hits).toBe(3);
  });

  it('accepts the key a rotation publishes after one refetch, once the cooldown allows it, and keeps accepting the retiring key', async () => {
    const jwks = remote();
    await jwks.warmUp();
    const rotated = ring.rotated(next, NOW);
    server.serve(rotated.publicJwks());
    const issuedAfter = (await signLimitedAccessToken(latInput(), rotated.signingKey())).token;
    // A verifier that fetched less than a cooldown ago cannot see the new key yet (README: publish before signing).
    expect(await codeOfRejection(verify(issuedAfter, jwks))).toBe('TOKENS.UNKNOWN_KEY');
    expect(server.hits).toBe(1);

    clock += COOLDOWN;
    await expect(verify(issuedAfter, jwks)).resolves.toMatchObject({ kid: next.kid });
    await expect(verify(token, jwks)).resolves.toMatchObject({ kid: ed.kid });
    expect(server.hits).toBe(2);
    expect(jwks.status()).toMatchObject({ keyCount: 2, lastFetchedAt: new Date(clock) });
  });

  it('fetches the set again once its keys are older than cacheMaxAgeMs, and drops a key the issuer no longer publishes', async () => {
    const jwks = remote();
    await expect(verify(token, jwks)).resolves.toBeDefined();
    server.serve(new KeyRing([{ key: next, status: 'active' }]).publicJwks());
    clock += MAX_AGE - 1;
    await expect(verify(token, jwks)).resolves.toBeDefined();
    expect(server.hits).toBe(1);
    clock += 1;
    expect(await codeOfRejection(verify(token, jwks))).toBe('TOKENS.UNKNOWN_KEY');
    expect(server.hits).toBe(2);
  });

  it.each<[string, (server: CountingServer) => Promise<void> | void]>([
    ['is down', (s) => s.close()],
    ['answers 503', (s) => s.answer({ kind: 'text', status: 503, body: 'unavailable' })],
    ['answers 404 with JSON', (s) => s.answer({ kind: 'json', status: 404, body: { keys: [] } })],
    ['answers 200 with a body that is not JSON', (s) => s.answer({ kind: 'text', status: 200, body: '<html>maintenance</html>' })],
    ['does not answer within timeoutMs', (s) => s.answer({ kind: 'silence' })],
  ])('refuses as JWKS_UNAVAILABLE, at warm-up and at verification, when the issuer %s', async (_why, breakIt) => {
    await breakIt(server);
    const jwks = remote({ timeoutMs: 100 });
    expect(await codeOfRejection(jwks.warmUp())).toBe('TOKENS.JWKS_UNAVAILABLE');
    clock += COOLDOWN;
    const refusal = await verify(token, jwks).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TokenError);
    expect(refusal).toMatchObject({ code: 'TOKENS.JWKS_UNAVAILABLE', details: { url: server.url } });
    expect((refusal as TokenError).cause).toBeDefined();
    expect(jwks.status()).toEqual({ hasKeys: false, keyCount: 0, fresh: false, lastFetchedAt: undefined, lastFailedAt: new Date(clock) });
  });

  it.each([
    ['an object without keys', { issuer: ISSUER }],
    ['keys that are not objects', { keys: ['a key'] }],
  ])('refuses as JWKS_INVALID when the issuer publishes %s', async (_why, body) => {
    server.serve(body);
    expect(await codeOfRejection(verify(token, remote()))).toBe('TOKENS.JWKS_INVALID');
  });

  it('after a failed fetch, makes no request for a cooldown and serves the last keys while they are fresh', async () => {
    const jwks = remote();
    await jwks.warmUp();
    server.answer({ kind: 'text', status: 503, body: 'unavailable' });
    clock += COOLDOWN;
    const foreign = (await signLimitedAccessToken(latInput(), stranger)).token;
    expect(await codeOfRejection(verify(foreign, jwks))).toBe('TOKENS.JWKS_UNAVAILABLE');
    expect(server.hits).toBe(2);
    const failedAt = clock;

    // jose alone would retry on every unknown kid: each made-up kid would be a request to an issuer already down.
    clock += COOLDOWN - 1;
    expect(await codeOfRejection(verify(foreign, jwks))).toBe('TOKENS.UNKNOWN_KEY');
    await expect(verify(token, jwks)).resolves.toMatchObject({ kid: ed.kid });
    expect(server.hits).toBe(2);
    expect(jwks.status()).toMatchObject({ hasKeys: true, fresh: true, lastFailedAt: new Date(failedAt) });

    clock += 1;
    server.serve(ring.publicJwks());
    expect(await codeOfRejection(verify(foreign, jwks))).toBe('TOKENS.UNKNOWN_KEY');
    expect(server.hits).toBe(3);
    expect(jwks.status()).toMatchObject({ lastFetchedAt: new Date(clock), lastFailedAt: undefined });
  });

  it('with no fresh keys, fails fast after a failed fetch until the cooldown ends, and then recovers with one request', async () => {
    const jwks = remote();
    await jwks.warmUp();
    clock += MAX_AGE; // stale: jose will not use these keys again without a fetch
    server.answer({ kind: 'text', status: 503, body: 'unavailable' });
    expect(await codeOfRejection(verify(token, jwks))).toBe('TOKENS.JWKS_UNAVAILABLE');
    expect(await codeOfRejection(verify(token, jwks))).toBe('TOKENS.JWKS_UNAVAILABLE');
    expect(server.hits).toBe(2);

    clock += COOLDOWN;
    server.serve(ring.publicJwks());
    await expect(verify(token, jwks)).resolves.toBeDefined();
    await expect(verify(token, jwks)).resolves.toBeDefined();
    expect(server.hits).toBe(3);
  });

  it('fetches at warm-up even during the cooldown after a failure: startup asked for it', async () => {
    server.answer({ kind: 'text', status: 503, body: 'unavailable' });
    const jwks = remote();
    expect(await codeOfRejection(jwks.warmUp())).toBe('TOKENS.JWKS_UNAVAILABLE');
    server.serve(ring.publicJwks());
    await jwks.warmUp();
    await expect(verify(token, jwks)).resolves.toBeDefined();
    expect(server.hits).toBe(2);
    expect(jwks.status()).toMatchObject({ hasKeys: true, lastFailedAt: undefined });
  });

  // Every row has its options: jest hands a `done` callback to a test with more parameters than the row has values.
  it.each<[string, string, RemoteJwksOptions]>([
    ['a URL that is not one', 'issuer/jwks.json', {}],
    ['a file URL', 'file:///etc/jwks.json', {}],
    ['a URL with credentials', 'https://user:secret@issuer.latchkey.test/jwks.json', {}],
    ['a negative cooldown', 'https://issuer.latchkey.test/jwks.json', { cooldownMs: -1 }],
    ['a zero cache age', 'https://issuer.latchkey.test/jwks.json', { cacheMaxAgeMs: 0 }],
    ['an endless cache age', 'https://issuer.latchkey.test/jwks.json', { cacheMaxAgeMs: Infinity }],
    ['a fractional timeout', 'https://issuer.latchkey.test/jwks.json', { timeoutMs: 1.5 }],
  ])('refuses %s at creation as INPUT_INVALID', (_why, url, options) => {
    expect(codeOf(() => createRemoteJwks(url, options))).toBe('TOKENS.INPUT_INVALID');
  });

  it('refuses an object that merely inherits from RemoteJwks as JWKS_INVALID', async () => {
    const impostor = Object.create(RemoteJwks.prototype) as RemoteJwks;
    expect(await codeOfRejection(verify(token, impostor))).toBe('TOKENS.JWKS_INVALID');
  });
});
