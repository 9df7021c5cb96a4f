import fc from 'fast-check';
import { identityOf, SAME_PERSON_THRESHOLD, similarity } from './similarity';

describe(similarity.name, () => {
  const id = fc.uuid();

  it('is symmetric, case-insensitive and in [0, 1] with at most 5 decimals', () => {
    fc.assert(
      fc.property(id, id, (a, b) => {
        const score = similarity(a, b);
        expect(similarity(b, a)).toBe(score);
        expect(similarity(a.toUpperCase(), b)).toBe(score);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        expect(Math.round(score * 100_000) / 100_000).toBe(score);
      }),
    );
  });

  it('matches an id with itself with confidence 1', () => {
    fc.assert(fc.property(id, (a) => expect(similarity(a, a.toUpperCase())).toBe(1)));
  });

  it('says "same person" exactly when two ids show the same identity', () => {
    fc.assert(
      fc.property(id, id, (a, b) => {
        fc.pre(a.toLowerCase() !== b.toLowerCase());
        const score = similarity(a, b);
        if (identityOf(a) === identityOf(b)) {
          expect(score).toBeGreaterThanOrEqual(0.75);
          expect(score).toBeLessThan(1);
        } else {
          expect(score).toBeLessThanOrEqual(0.3);
        }
        expect(score >= SAME_PERSON_THRESHOLD).toBe(identityOf(a) === identityOf(b));
      }),
    );
  });

  it('gives the same answer every time (no state, no randomness)', () => {
    expect(similarity('57d27948-571a-4c45-ba7d-4937d182e825', 'bcf8a7e0-bb9f-4114-93dd-0c57f749ecb5')).toBe(
      similarity('57d27948-571a-4c45-ba7d-4937d182e825', 'bcf8a7e0-bb9f-4114-93dd-0c57f749ecb5'),
    );
  });
});
