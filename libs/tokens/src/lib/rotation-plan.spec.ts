import fc from 'fast-check';
import type { KeyRingEntry } from './key-ring-entry';
import { planRotation } from './rotation-plan';
import { generateSigningKey, type SigningKey } from './signing-key';
import { codeOf } from './test-support/token-error-code';

const DAY = 86_400;
const T0 = Date.parse('2030-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const POLICY = { rotateEvery: 30 * DAY, maxTokenLifetime: DAY + 5 };


describe(planRotation.name, () => {
  let a: SigningKey;
  let b: SigningKey;
  let c: SigningKey;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([generateSigningKey('EdDSA', at(0)), generateSigningKey('EdDSA', at(0)), generateSigningKey('EdDSA', at(0))]);
  });

  it('asks for a key at once when the ring has no active key', () => {
    const plan = planRotation([], at(0), POLICY);
    expect(plan).toEqual({ createKeyNow: true, createKeyAt: at(0), dropNow: [], nextDropAt: null, nextReviewAt: at(0) });
  });

  it('keeps the active key until exactly rotateEvery after its creation', () => {
    const ring: KeyRingEntry[] = [{ key: a, status: 'active' }];
    const before = planRotation(ring, at(POLICY.rotateEvery - 1), POLICY);
    expect(before).toMatchObject({ createKeyNow: false, createKeyAt: at(POLICY.rotateEvery), nextReviewAt: at(POLICY.rotateEvery) });
    expect(planRotation(ring, at(POLICY.rotateEvery), POLICY).createKeyNow).toBe(true);
  });

  it('keeps a retiring key until its last possible token expired (notAfter + maxTokenLifetime), not a millisecond earlier', () => {
    const notAfter = at(10 * DAY);
    const ring: KeyRingEntry[] = [{ key: a, status: 'active' }, { key: b, status: 'retiring', notAfter }];
    const droppableAt = new Date(notAfter.getTime() + POLICY.maxTokenLifetime * 1000);
    const justBefore = planRotation(ring, new Date(droppableAt.getTime() - 1), POLICY);
    expect(justBefore.dropNow).toEqual([]);
    expect(justBefore.nextDropAt).toEqual(droppableAt);
    expect(justBefore.nextReviewAt).toEqual(droppableAt);
    const onTime = planRotation(ring, droppableAt, POLICY);
    expect(onTime.dropNow).toEqual([b.kid]);
    expect(onTime.nextDropAt).toBeNull();
  });

  it('drops only the retiring keys that are due and names the next one due', () => {
    const ring: KeyRingEntry[] = [
      { key: a, status: 'active' },
      { key: b, status: 'retiring', notAfter: at(0) },
      { key: c, status: 'retiring', notAfter: at(DAY) },
    ];
    const plan = planRotation(ring, at(DAY + 10), POLICY);
    expect(plan.dropNow).toEqual([b.kid]);
    expect(plan.nextDropAt).toEqual(at(DAY + POLICY.maxTokenLifetime));
    expect(plan.nextReviewAt).toEqual(at(DAY + POLICY.maxTokenLifetime));
  });

  it('ignores retired keys, which are already unpublished', () => {
    const plan = planRotation([{ key: a, status: 'active' }, { key: b, status: 'retired', notAfter: at(0) }], at(5 * DAY), POLICY);
    expect(plan.dropNow).toEqual([]);
    expect(plan.nextDropAt).toBeNull();
  });

  it('never drops a key while a token it signed can still be valid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 365 * DAY }), // when the key stopped signing
        fc.integer({ min: 0, max: 365 * DAY }), // how long before that the token was signed
        fc.integer({ min: 1, max: POLICY.maxTokenLifetime }), // the token's acceptable lifetime
        fc.integer({ min: 0, max: POLICY.maxTokenLifetime - 1 }), // how far into that lifetime we look
        (notAfter, signedBefore, lifetime, elapsed) => {
          const signedAt = notAfter - signedBefore;
          fc.pre(elapsed < lifetime);
          const now = at(signedAt + elapsed);
          const ring: KeyRingEntry[] = [{ key: a, status: 'active' }, { key: b, status: 'retiring', notAfter: at(notAfter) }];
          expect(planRotation(ring, now, POLICY).dropNow).not.toContain(b.kid);
        },
      ),
    );
  });

  it('refuses to plan for two active keys', () => {
    const ring: KeyRingEntry[] = [{ key: a, status: 'active' }, { key: b, status: 'active' }];
    expect(codeOf(() => planRotation(ring, at(0), POLICY))).toBe('TOKENS.KEY_RING_INVALID');
  });

  it.each([
    ['a zero rotation period', { rotateEvery: 0, maxTokenLifetime: DAY }],
    ['a negative token lifetime', { rotateEvery: DAY, maxTokenLifetime: -1 }],
    ['a NaN period', { rotateEvery: Number.NaN, maxTokenLifetime: DAY }],
  ])('refuses %s', (_why, policy) => {
    expect(codeOf(() => planRotation([], at(0), policy))).toBe('TOKENS.INPUT_INVALID');
  });
});
