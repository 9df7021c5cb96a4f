import { KeyRing } from './key-ring';
import { generateSigningKey, type SigningKey } from './signing-key';
import { codeOf } from './test-support/token-error-code';


describe(KeyRing.name, () => {
  const retiredAt = new Date('2030-01-01T00:00:00Z');
  let active: SigningKey;
  let retiring: SigningKey;
  let retired: SigningKey;
  let ring: KeyRing;
  beforeAll(async () => {
    [active, retiring, retired] = await Promise.all([
      generateSigningKey('EdDSA'),
      generateSigningKey('ES256'),
      generateSigningKey('EdDSA'),
    ]);
    ring = new KeyRing([
      { key: retired, status: 'retired', notAfter: retiredAt },
      { key: retiring, status: 'retiring', notAfter: retiredAt },
      { key: active, status: 'active' },
    ]);
  });

  it('signs with the one active key', () => {
    expect(ring.signingKey()).toBe(active);
  });

  it('publishes the active key first, then retiring keys, each with kid, alg and use: sig, and no retired key', () => {
    expect(ring.publicJwks().keys.map((k) => [k.kid, k.alg, k.use])).toEqual([
      [active.kid, 'EdDSA', 'sig'],
      [retiring.kid, 'ES256', 'sig'],
    ]);
    expect(JSON.stringify(ring.publicJwks())).not.toContain(retired.kid);
  });

  it('never publishes a private member, even one smuggled into a public JWK', () => {
    const tampered: SigningKey = { ...active, publicJwk: { ...active.publicJwk, d: active.privateJwk.d } as SigningKey['publicJwk'] };
    const jwks = new KeyRing([{ key: tampered, status: 'active' }, { key: retiring, status: 'retiring', notAfter: retiredAt }]).publicJwks();
    const json = JSON.stringify(jwks);
    expect(json).not.toMatch(/"d"\s*:/);
    expect(json).not.toContain(active.privateJwk.d);
    expect(json).not.toContain(retiring.privateJwk.d);
  });

  it('publishes a next key after the active key, before retiring keys, and never signs with it', async () => {
    const next = await generateSigningKey('EdDSA');
    const withNext = new KeyRing([
      { key: retiring, status: 'retiring', notAfter: retiredAt },
      { key: next, status: 'next', activateAt: retiredAt },
      { key: active, status: 'active' },
    ]);
    expect(withNext.publicJwks().keys.map((k) => k.kid)).toEqual([active.kid, next.kid, retiring.kid]);
    expect(withNext.signingKey()).toBe(active);
    expect(withNext.nextKey()).toEqual({ key: next, activateAt: retiredAt });
    expect(ring.nextKey()).toBeUndefined();
  });

  it('promotes its next key: active now, the previous active key retiring, the key listed once', async () => {
    const next = await generateSigningKey('EdDSA');
    const now = new Date('2030-02-01T00:00:00Z');
    const promoted = new KeyRing([
      { key: active, status: 'active' },
      { key: next, status: 'next', activateAt: now },
    ]).rotated(next, now);
    expect(promoted.signingKey()).toBe(next);
    expect(promoted.nextKey()).toBeUndefined();
    expect(promoted.entries().map((e) => [e.key.kid, e.status])).toEqual([
      [next.kid, 'active'],
      [active.kid, 'retiring'],
    ]);
  });

  it('returns the same JWKS object on every call, so verifiers can cache imported keys by it', () => {
    expect(ring.publicJwks()).toBe(ring.publicJwks());
  });

  it.each([
    ['no active key', () => [{ key: retiring, status: 'retiring' as const, notAfter: retiredAt }]],
    ['two active keys', () => [{ key: active, status: 'active' as const }, { key: retiring, status: 'active' as const }]],
    ['two next keys', () => [
      { key: active, status: 'active' as const },
      { key: retiring, status: 'next' as const, activateAt: retiredAt },
      { key: retired, status: 'next' as const, activateAt: retiredAt },
    ]],
    ['a kid twice', () => [{ key: active, status: 'active' as const }, { key: active, status: 'retired' as const, notAfter: retiredAt }]],
  ])('refuses a ring with %s', (_why, entries) => {
    expect(codeOf(() => new KeyRing(entries()))).toBe('TOKENS.KEY_RING_INVALID');
  });

  describe('rotated', () => {
    it('makes the new key active and keeps the previous one published as retiring from now', async () => {
      const next = await generateSigningKey('EdDSA');
      const now = new Date('2030-02-01T00:00:00Z');
      const rotated = ring.rotated(next, now);
      expect(rotated.signingKey()).toBe(next);
      expect(rotated.entries()).toContainEqual({ key: active, status: 'retiring', notAfter: now });
      expect(rotated.publicJwks().keys.map((k) => k.kid)).toEqual([next.kid, retiring.kid, active.kid]);
      expect(ring.signingKey()).toBe(active); // the old ring is unchanged
    });

    it('refuses a key that is already in the ring', () => {
      expect(codeOf(() => ring.rotated(retiring, new Date()))).toBe('TOKENS.KEY_RING_INVALID');
    });
  });
});
