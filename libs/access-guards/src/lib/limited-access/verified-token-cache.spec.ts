import type { LimitedAccessTokenClaims } from '@latchkey/contracts';
import { VerifiedTokenCache } from './verified-token-cache';

const RESOURCE = '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/face';
const T0 = new Date('2026-11-29T03:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function entry(nbf: Date, exp: Date): { claims: LimitedAccessTokenClaims; kid: string } {
  const claims = {
    iss: 'https://sts.example.test',
    aud: RESOURCE,
    sub: RESOURCE,
    isv: 'isv-a',
    features: ['Face.Identification'],
    iat: seconds(nbf),
    nbf: seconds(nbf),
    exp: seconds(exp),
    jti: '6f1f7a52-8d1c-4b8e-9a51-0c1d2e3f4a5b',
  } as LimitedAccessTokenClaims;
  return { claims, kid: 'k1' };
}

describe(VerifiedTokenCache.name, () => {
  const cache = () => new VerifiedTokenCache({ maxEntries: 2, reverifyAfterMs: 60_000, clockToleranceSeconds: 5 });

  it('answers only for the same token text and the same resource (in any letter case)', () => {
    const c = cache();
    c.set(RESOURCE, 'a.b.c', entry(T0, at(3_600_000)), T0);
    expect(c.get(RESOURCE.toUpperCase(), 'a.b.c', at(1000))?.kid).toBe('k1');
    expect(c.get(RESOURCE, 'a.b.C', at(1000))).toBeUndefined();
    expect(c.get(RESOURCE.replace('face', 'other'), 'a.b.c', at(1000))).toBeUndefined();
  });

  it('forgets an entry at exp plus the tolerance, and after reverifyAfterMs, and when the clock goes backwards', () => {
    const c = cache();
    c.set(RESOURCE, 't1', entry(T0, at(30_000)), T0);
    expect(c.get(RESOURCE, 't1', at(34_999))).toBeDefined();
    expect(c.get(RESOURCE, 't1', at(35_000))).toBeUndefined();
    expect(c.size).toBe(0);
    c.set(RESOURCE, 't2', entry(T0, at(3_600_000)), T0);
    expect(c.get(RESOURCE, 't2', at(60_000))).toBeDefined();
    expect(c.get(RESOURCE, 't2', at(60_001))).toBeUndefined();
    c.set(RESOURCE, 't3', entry(T0, at(3_600_000)), at(10_000));
    expect(c.get(RESOURCE, 't3', at(9_999))).toBeUndefined();
  });

  it('is bounded: the least recently used token is verified again', () => {
    const c = cache();
    c.set(RESOURCE, 't1', entry(T0, at(3_600_000)), T0);
    c.set(RESOURCE, 't2', entry(T0, at(3_600_000)), T0);
    c.get(RESOURCE, 't1', T0);
    c.set(RESOURCE, 't3', entry(T0, at(3_600_000)), T0);
    expect([c.get(RESOURCE, 't1', T0), c.get(RESOURCE, 't2', T0), c.get(RESOURCE, 't3', T0)].map((e) => e !== undefined)).toEqual([true, false, true]);
  });

  it('refuses a nonsensical size', () => {
    expect(() => new VerifiedTokenCache({ maxEntries: 0, reverifyAfterMs: 1, clockToleranceSeconds: 5 })).toThrow(RangeError);
  });
});
