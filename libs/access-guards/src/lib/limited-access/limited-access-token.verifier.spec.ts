import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { FeatureFlag } from '@latchkey/contracts';
import { createDpopProof, DpopReplayCache, generateSigningKey, KeyRing, signLimitedAccessToken, type SigningKey } from '@latchkey/tokens';
import { RevocationCache } from '../revocation/revocation-cache';
import { LatError } from './lat-error';
import { LimitedAccessTokenVerifier, type GatedRequest, type LimitedAccessVerifierOptions } from './limited-access-token.verifier';
import { VerifiedTokenCache } from './verified-token-cache';

const ISSUER = 'https://sts.example.test';
const RESOURCE = '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourceGroups/Client-RG/providers/Microsoft.CognitiveServices/accounts/Client-Face';
const OTHER = RESOURCE.replace('Client-Face', 'other-face');
const URL_IDENTIFY = 'https://face.example.test/face/v1.0/identify';
const NOW = new Date('2026-11-29T03:00:00.000Z');

describe(LimitedAccessTokenVerifier.name, () => {
  let key: SigningKey;
  let revocations: RevocationCache;
  let staleForMs: number;
  let verifier: LimitedAccessTokenVerifier;

  beforeAll(async () => {
    key = await generateSigningKey('EdDSA', new Date(NOW.getTime() - 86_400_000));
  });

  beforeEach(() => {
    revocations = new RevocationCache();
    staleForMs = 0;
    verifier = new LimitedAccessTokenVerifier({
      keys: new KeyRing([{ key, status: 'active' }]).publicJwks(),
      issuer: ISSUER,
      clockToleranceSeconds: 5,
      maxRevocationStalenessMs: 5000,
      revocationStaleForMs: () => staleForMs,
      revocations,
      dpopReplays: new DpopReplayCache({ maxEntries: 100, now: () => NOW }),
      now: () => NOW,
    });
  });

  async function token(options: { features?: FeatureFlag[]; resourceId?: string; issuedAt?: Date; cnfJkt?: string; isvId?: string } = {}) {
    const signed = await signLimitedAccessToken(
      {
        issuer: ISSUER,
        isvId: options.isvId ?? 'isv-a',
        resourceId: options.resourceId ?? RESOURCE,
        features: options.features ?? ['Face.Identification'],
        lifetimeSeconds: 3600,
        now: options.issuedAt ?? new Date(NOW.getTime() - 60_000),
        jti: randomUUID(),
        ...(options.cnfJkt === undefined ? {} : { cnfJkt: options.cnfJkt }),
      },
      key,
    );
    return signed;
  }

  function request(jwt: string, overrides: Partial<GatedRequest> = {}): GatedRequest {
    return {
      header: `Bearer ${jwt}`,
      resourceId: RESOURCE.toLowerCase(),
      feature: 'Face.Identification',
      dpop: { proof: undefined, method: 'POST', url: URL_IDENTIFY },
      ...overrides,
    };
  }

  async function refusal(pending: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
    try {
      await pending;
    } catch (error) {
      if (error instanceof LatError) return { code: error.code, details: { ...error.details } };
      throw error;
    }
    throw new Error('expected a refusal');
  }

  it('accepts a token for the request’s resource, in any spelling of its id, carrying the operation’s feature', async () => {
    const signed = await token();
    const accepted = await verifier.verify(request(signed.token, { resourceId: RESOURCE.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/') }));
    expect(accepted).toMatchObject({ kid: key.kid, claims: { jti: signed.claims.jti, isv: 'isv-a', aud: RESOURCE.toLowerCase() } });
  });

  it('refuses a token of resource A presented with resource B’s key', async () => {
    const signed = await token();
    expect(await refusal(verifier.verify(request(signed.token, { resourceId: OTHER })))).toMatchObject({
      code: 'LAT.WRONG_RESOURCE',
      details: { jti: signed.claims.jti, isvId: 'isv-a' },
    });
  });

  it('refuses a token without the operation’s feature, naming it as the vendor does', async () => {
    const signed = await token({ features: ['Face.Verification'] });
    const pending = verifier.verify(request(signed.token));
    await expect(pending).rejects.toThrow('missing approval for one or more of the following features: Identification.');
    expect((await refusal(verifier.verify(request(signed.token)))).code).toBe('LAT.FEATURE_MISSING');
  });

  it('refuses expired and not-yet-valid tokens, within the clock tolerance', async () => {
    const expired = await token({ issuedAt: new Date(NOW.getTime() - 3_606_000) });
    expect((await refusal(verifier.verify(request(expired.token)))).code).toBe('LAT.EXPIRED');
    const withinTolerance = await token({ issuedAt: new Date(NOW.getTime() - 3_600_000 - 4000) });
    expect((await verifier.verify(request(withinTolerance.token))).kid).toBe(key.kid);
    const future = await token({ issuedAt: new Date(NOW.getTime() + 60_000) });
    expect((await refusal(verifier.verify(request(future.token)))).code).toBe('LAT.NOT_YET_VALID');
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    const stranger = await generateSigningKey('EdDSA', NOW);
    const forged = await signLimitedAccessToken(
      { issuer: ISSUER, isvId: 'isv-a', resourceId: RESOURCE, features: ['Face.Identification'], lifetimeSeconds: 600, now: NOW },
      stranger,
    );
    expect(await refusal(verifier.verify(request(forged.token)))).toMatchObject({ code: 'LAT.UNKNOWN_KEY', details: { isvId: 'isv-a' } });
  });

  it.each([
    ['its jti', (c: { jti: string }) => ({ kind: 'jti' as const, jti: c.jti })],
    ['its ISV', () => ({ kind: 'isv' as const, isvId: 'isv-a' })],
    ['its ISV and client', () => ({ kind: 'isv-client' as const, isvId: 'isv-a', resourceId: RESOURCE.toUpperCase() })],
    ['its signing key', () => ({ kind: 'signing-key' as const, keyId: key.kid })],
  ])('refuses a token issued before a revocation of %s, and accepts one issued after a reinstatement', async (_, subjectOf) => {
    const before = await token();
    const subject = subjectOf(before.claims);
    revocations.apply({ subject, notBefore: new Date(NOW.getTime() - 30_000).toISOString(), action: 'revoke', reason: 'ADMIN.TEST', alertId: null, actor: 'test' });
    expect((await refusal(verifier.verify(request(before.token)))).code).toBe('LAT.REVOKED');
    revocations.apply({ subject, notBefore: new Date(NOW.getTime() - 30_000).toISOString(), action: 'reinstate', reason: 'ADMIN.TEST', alertId: null, actor: 'test' });
    expect((await refusal(verifier.verify(request(before.token)))).code).toBe('LAT.REVOKED');
    if (subject.kind !== 'jti') {
      const after = await token({ issuedAt: new Date(NOW.getTime() - 10_000) });
      expect((await verifier.verify(request(after.token))).claims.jti).toBe(after.claims.jti);
    }
  });

  it('fails closed while the revocation feed has been down longer than the bound', async () => {
    const signed = await token();
    staleForMs = 5001;
    expect((await refusal(verifier.verify(request(signed.token)))).code).toBe('LAT.REVOCATION_STALE');
    staleForMs = 5000;
    await expect(verifier.verify(request(signed.token))).resolves.toBeDefined();
  });

  it('answers a missing header with LAT.MISSING and a malformed one with LAT.HEADER_INVALID', async () => {
    expect((await refusal(verifier.verify(request('x', { header: undefined })))).code).toBe('LAT.MISSING');
    const signed = await token();
    expect((await refusal(verifier.verify(request('x', { header: `bearer ${signed.token}` })))).code).toBe('LAT.HEADER_INVALID');
  });

  describe('sender-constrained tokens (cnf.jkt)', () => {
    const holder = generateKeyPairSync('ed25519');
    const holderJwk = { ...(holder.publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string }), alg: 'EdDSA' };
    let jkt: string;

    beforeAll(async () => {
      const { createHash } = await import('node:crypto');
      jkt = createHash('sha256').update(JSON.stringify({ crv: holderJwk.crv, kty: holderJwk.kty, x: holderJwk.x })).digest('base64url');
    });

    async function proofFor(jwt: string, keyPair = holder, jwk = holderJwk) {
      return createDpopProof({ privateKey: keyPair.privateKey, publicJwk: jwk, method: 'POST', url: URL_IDENTIFY, accessToken: jwt, iat: NOW.getTime() / 1000 });
    }

    it('accepts a bound token with a proof from its key, once', async () => {
      const signed = await token({ cnfJkt: jkt });
      const proof = await proofFor(signed.token);
      await expect(verifier.verify(request(signed.token, { dpop: { proof, method: 'POST', url: URL_IDENTIFY } }))).resolves.toBeDefined();
      expect((await refusal(verifier.verify(request(signed.token, { dpop: { proof, method: 'POST', url: URL_IDENTIFY } })))).code).toBe('LAT.REPLAYED');
    });

    it('refuses a bound token without a proof, and with a proof made by another key', async () => {
      const signed = await token({ cnfJkt: jkt });
      expect(await refusal(verifier.verify(request(signed.token)))).toMatchObject({ code: 'LAT.DPOP_INVALID', details: { dpopReason: 'DPOP.MISSING' } });
      const other = generateKeyPairSync('ed25519');
      const otherJwk = { ...(other.publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string }), alg: 'EdDSA' };
      const proof = await proofFor(signed.token, other, otherJwk);
      expect(await refusal(verifier.verify(request(signed.token, { dpop: { proof, method: 'POST', url: URL_IDENTIFY } })))).toMatchObject({
        code: 'LAT.DPOP_INVALID',
        details: { dpopReason: 'DPOP.KEY_MISMATCH' },
      });
    });

    it('refuses a proof made for another token (ath) or another URL', async () => {
      const signed = await token({ cnfJkt: jkt });
      const otherToken = await token({ cnfJkt: jkt });
      const proof = await proofFor(otherToken.token);
      expect((await refusal(verifier.verify(request(signed.token, { dpop: { proof, method: 'POST', url: URL_IDENTIFY } })))).details['dpopReason']).toBe(
        'DPOP.ATH_MISMATCH',
      );
      const proof2 = await proofFor(signed.token);
      const elsewhere = { proof: proof2, method: 'POST', url: 'https://face.example.test/face/v1.0/verify' };
      expect((await refusal(verifier.verify(request(signed.token, { dpop: elsewhere })))).details['dpopReason']).toBe('DPOP.WRONG_URL');
    });
  });
  describe('with the verified-token cache (a reused token skips the signature check, nothing else)', () => {
    let clock: Date;
    let cache: VerifiedTokenCache;

    /** A verifier sharing `cache`; with `keys: none` it knows no key, so only a cache hit can accept a token. */
    function cachedVerifier(keys: 'issuer' | 'none'): LimitedAccessTokenVerifier {
      const options: LimitedAccessVerifierOptions = {
        keys: keys === 'issuer' ? new KeyRing([{ key, status: 'active' }]).publicJwks() : { keys: [] },
        issuer: ISSUER,
        clockToleranceSeconds: 5,
        maxRevocationStalenessMs: 5000,
        revocationStaleForMs: () => 0,
        revocations,
        dpopReplays: new DpopReplayCache({ maxEntries: 100, now: () => clock }),
        verifiedTokens: cache,
        now: () => clock,
      };
      return new LimitedAccessTokenVerifier(options);
    }

    beforeEach(() => {
      clock = NOW;
      cache = new VerifiedTokenCache({ maxEntries: 100, reverifyAfterMs: 60_000, clockToleranceSeconds: 5 });
    });

    it('accepts a reused token from the cache, and verifies it in full again once the entry is a minute old', async () => {
      const signed = await token();
      const keyless = cachedVerifier('none');
      expect((await refusal(keyless.verify(request(signed.token)))).code).toBe('LAT.UNKNOWN_KEY');
      await cachedVerifier('issuer').verify(request(signed.token));
      expect((await keyless.verify(request(signed.token))).claims.jti).toBe(signed.claims.jti);
      clock = new Date(NOW.getTime() + 60_001);
      expect((await refusal(keyless.verify(request(signed.token)))).code).toBe('LAT.UNKNOWN_KEY');
    });

    it('still refuses a cached token that was revoked, that lacks the feature, or that is shown with another resource’s key', async () => {
      const signed = await token({ features: ['Face.Verification'] });
      const verifier = cachedVerifier('issuer');
      await verifier.verify(request(signed.token, { feature: 'Face.Verification' }));
      const keyless = cachedVerifier('none');
      expect((await refusal(keyless.verify(request(signed.token)))).code).toBe('LAT.FEATURE_MISSING');
      expect((await refusal(keyless.verify(request(signed.token, { feature: 'Face.Verification', resourceId: OTHER })))).code).toBe('LAT.UNKNOWN_KEY');
      expect((await refusal(verifier.verify(request(signed.token, { feature: 'Face.Verification', resourceId: OTHER })))).code).toBe('LAT.WRONG_RESOURCE');
      revocations.apply({
        subject: { kind: 'jti', jti: signed.claims.jti },
        notBefore: NOW.toISOString(),
        action: 'revoke',
        reason: 'ADMIN.TEST',
        alertId: null,
        actor: 'test',
      });
      expect((await refusal(keyless.verify(request(signed.token, { feature: 'Face.Verification' })))).code).toBe('LAT.REVOKED');
    });

    it('refuses a cached token once it expires, with the full check’s own code', async () => {
      const signed = await token(); // exp = NOW - 60 s + 3600 s
      const verifier = cachedVerifier('issuer');
      await verifier.verify(request(signed.token));
      clock = new Date(NOW.getTime() - 60_000 + 3_600_000 + 5_000);
      expect((await refusal(verifier.verify(request(signed.token)))).code).toBe('LAT.EXPIRED');
      expect(cache.size).toBe(0);
    });

    it('never caches a token that failed', async () => {
      const expired = await token({ issuedAt: new Date(NOW.getTime() - 3_606_000) });
      expect((await refusal(cachedVerifier('issuer').verify(request(expired.token)))).code).toBe('LAT.EXPIRED');
      expect(cache.size).toBe(0);
    });
  });
});
