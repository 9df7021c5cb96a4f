import fc from 'fast-check';
import type { KeyRingEntry } from './key-ring-entry';
import { planRotation } from './rotation-plan';
import { generateSigningKey, type SigningKey } from './signing-key';
import { codeOf } from './test-support/token-error-code';

const DAY = 86_400;
const T0 = Date.parse('2030-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const POLICY = { rotateEvery: 30 * DAY, prepublish: 600, maxTokenLifetime: DAY + 5 };


describe(planRotation.name, () => {
  let a: SigningKey;
  let b: SigningKey;
  let c: SigningKey;
  beforeAll(async () => {
    [a, b, c] = await Promise.all([generateSigningKey('EdDSA', at(0)), generateSigningKey('EdDSA', at(0)), generateSigningKey('EdDSA', at(0))]);
  });

  it('asks for a key at once when the ring has no active key', () => {
    const plan = planRotation([], at(0), POLICY);
    expect(plan).toEqual({
      createKeyNow: true,
      prepareNextNow: false,
      nextActivatesAt: null,
      activateNow: null,
      dropNow: [],
      nextDropAt: null,
      nextReviewAt: at(POLICY.rotateEvery - POLICY.prepublish), // when the new key's successor is due to be published
    });
  });

  it('publishes the next key prepublish seconds before the active key is due, to take over exactly when it is due', () => {
    const ring: KeyRingEntry[] = [{ key: a, status: 'active' }];
    const prepareAt = POLICY.rotateEvery - POLICY.prepublish;
    const before = planRotation(ring, at(prepareAt - 1), POLICY);
    expect(before).toMatchObject({ createKeyNow: false, prepareNextNow: false, nextActivatesAt: null, activateNow: null, nextReviewAt: at(prepareAt) });
    expect(planRotation(ring, at(prepareAt), POLICY)).toMatchObject({
      prepareNextNow: true,
      nextActivatesAt: at(POLICY.rotateEvery),
      nextReviewAt: at(POLICY.rotateEvery),
    });
    // Late (the job did not run for a while): still a full prepublish period ahead.
    expect(planRotation(ring, at(POLICY.rotateEvery + 50), POLICY).nextActivatesAt).toEqual(at(POLICY.rotateEvery + 50 + POLICY.prepublish));
  });

  it('activates the next key at its activateAt, and never before it has been published for prepublish seconds', () => {
    const published = POLICY.rotateEvery - 100; // created late: only 100 s before the active key was due
    const next = { ...b, createdAt: at(published) };
    const ring: KeyRingEntry[] = [{ key: a, status: 'active' }, { key: next, status: 'next', activateAt: at(POLICY.rotateEvery) }];
    const safeAt = published + POLICY.prepublish;
    expect(planRotation(ring, at(POLICY.rotateEvery), POLICY)).toMatchObject({ activateNow: null, prepareNextNow: false, nextReviewAt: at(safeAt) });
    expect(planRotation(ring, at(safeAt), POLICY)).toMatchObject({
      activateNow: next.kid,
      nextReviewAt: at(published + POLICY.rotateEvery - POLICY.prepublish),
    });
  });

  it('lets the next key take over early when no key signs', () => {
    const next = { ...b, createdAt: at(0) };
    const plan = planRotation([{ key: next, status: 'next', activateAt: at(DAY) }], at(10), POLICY);
    expect(plan).toMatchObject({ createKeyNow: true, activateNow: null });
  });

  it('refuses a ring with two next keys', () => {
    const twoNext: KeyRingEntry[] = [
      { key: a, status: 'active' },
      { key: b, status: 'next', activateAt: at(0) },
      { key: c, status: 'next', activateAt: at(0) },
    ];
    expect(codeOf(() => planRotation(twoNext, at(0), POLICY))).toBe('TOKENS.KEY_RING_INVALID');
  });

  it('never activates a key that has been published for less than prepublish seconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * DAY }), // when the next key was published
        fc.integer({ min: -DAY, max: DAY }), // its requested activation, relative to that
        fc.integer({ min: 0, max: 2 * DAY }), // when the job runs, after publication
        (publishedAt, requested, elapsed) => {
          const next = { ...b, createdAt: at(publishedAt) };
          const ring: KeyRingEntry[] = [{ key: a, status: 'active' }, { key: next, status: 'next', activateAt: at(publishedAt + requested) }];
          const plan = planRotation(ring, at(publishedAt + elapsed), POLICY);
          if (plan.activateNow !== null) expect(elapsed).toBeGreaterThanOrEqual(Math.max(POLICY.prepublish, requested));
          else expect(plan.nextReviewAt.getTime()).toBe(at(publishedAt + Math.max(POLICY.prepublish, requested)).getTime());
        },
      ),
    );
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
    ['a zero rotation period', { rotateEvery: 0, prepublish: 600, maxTokenLifetime: DAY }],
    ['a negative token lifetime', { rotateEvery: DAY, prepublish: 600, maxTokenLifetime: -1 }],
    ['a NaN period', { rotateEvery: Number.NaN, prepublish: 600, maxTokenLifetime: DAY }],
    ['no prepublish period', { rotateEvery: DAY, prepublish: 0, maxTokenLifetime: DAY }],
  ])('refuses %s', (_why, policy) => {
    expect(codeOf(() => planRotation([], at(0), policy))).toBe('TOKENS.INPUT_INVALID');
  });
});
