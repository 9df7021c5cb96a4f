import { DpopReplayCache } from './dpop-replay-cache';

const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
const OTHER_JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const START = Date.parse('2030-01-01T00:00:00.000Z');
const IAT = START / 1000;

describe(DpopReplayCache.name, () => {
  let nowMs: number;
  const clock = () => new Date(nowMs);
  const cache = (maxEntries = 100, windowSeconds?: number) => new DpopReplayCache({ maxEntries, windowSeconds, now: clock });
  beforeEach(() => {
    nowMs = START;
  });

  it('accepts a proof once and refuses the same key and jti again within the window', () => {
    const seen = cache();
    expect(seen.claim(JKT, 'jti-1', IAT)).toBe(true);
    nowMs += 30_000;
    expect(seen.claim(JKT, 'jti-1', IAT)).toBe(false);
  });

  it('tells proofs apart by key and by jti', () => {
    const seen = cache();
    expect(seen.claim(JKT, 'jti-1', IAT)).toBe(true);
    expect(seen.claim(JKT, 'jti-2', IAT)).toBe(true);
    expect(seen.claim(OTHER_JKT, 'jti-1', IAT)).toBe(true);
  });

  it('cannot be confused by a jkt and jti that concatenate to the same text', () => {
    const seen = cache();
    expect(seen.claim('ab', 'c', IAT)).toBe(true);
    expect(seen.claim('a', 'bc', IAT)).toBe(true);
  });

  it('remembers a proof for 65 s after its iat by default (60 s age plus 5 s tolerance), then refuses it as out of window', () => {
    const seen = cache();
    expect(seen.claim(JKT, 'jti-1', IAT)).toBe(true);
    nowMs = START + 64_999;
    expect(seen.claim(JKT, 'jti-1', IAT)).toBe(false);
    nowMs = START + 65_000;
    expect(seen.claim(JKT, 'jti-2', IAT)).toBe(false); // never seen, but no longer distinguishable from a replay
  });

  it('counts the window from iat, so a proof issued slightly in the future is remembered until iat + window', () => {
    const seen = cache(100, 10);
    expect(seen.claim(JKT, 'jti-1', IAT + 5)).toBe(true);
    nowMs = START + 14_999;
    expect(seen.claim(JKT, 'jti-1', IAT + 5)).toBe(false);
  });

  it('forgets a proof once its window has passed, so the pair may be used by a later proof', () => {
    const seen = cache(100, 10);
    expect(seen.claim(JKT, 'jti-1', IAT)).toBe(true);
    nowMs = START + 20_000;
    expect(seen.claim(JKT, 'jti-1', IAT + 15)).toBe(true);
  });

  it('stays within maxEntries, forgetting the least recently claimed proof first', () => {
    const seen = cache(2);
    expect(seen.claim(JKT, 'jti-1', IAT)).toBe(true);
    expect(seen.claim(JKT, 'jti-2', IAT)).toBe(true);
    expect(seen.claim(JKT, 'jti-3', IAT)).toBe(true);
    expect(seen.size).toBe(2);
    expect(seen.claim(JKT, 'jti-3', IAT)).toBe(false);
    expect(seen.claim(JKT, 'jti-1', IAT)).toBe(true);
  });

  it.each<[string, number, number | undefined]>([
    ['no entries', 0, undefined],
    ['a fractional size', 1.5, undefined],
    ['an empty window', 10, 0],
    ['an infinite window', 10, Number.POSITIVE_INFINITY],
  ])('refuses to be built with %s', (_why, maxEntries, windowSeconds) => {
    expect(() => new DpopReplayCache({ maxEntries, windowSeconds })).toThrow(RangeError);
  });
});
