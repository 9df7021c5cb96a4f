import fc from 'fast-check';
import { decodeAuditCursor, encodeAuditCursor, type AuditCursor } from './audit-cursor';

const cursor: fc.Arbitrary<AuditCursor> = fc.record({
  seq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  order: fc.constantFrom('asc' as const, 'desc' as const),
});

const encodeJson = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe(encodeAuditCursor.name, () => {
  it('round-trips every position and order through an opaque base64url token', () => {
    fc.assert(
      fc.property(cursor, (c) => {
        const token = encodeAuditCursor(c);
        return /^[A-Za-z0-9_-]+$/.test(token) && JSON.stringify(decodeAuditCursor(token)) === JSON.stringify(c);
      }),
    );
  });
});

describe(decodeAuditCursor.name, () => {
  it.each([
    ['an empty string', ''],
    ['base64 with padding or +/', `${encodeAuditCursor({ seq: 5, order: 'asc' })}==`],
    ['not JSON', Buffer.from('{seq:5').toString('base64url')],
    ['another version', encodeJson({ v: 2, s: 5, o: 'a' })],
    ['a negative position', encodeJson({ v: 1, s: -1, o: 'a' })],
    ['a fractional position', encodeJson({ v: 1, s: 1.5, o: 'a' })],
    ['a position past 2^53', encodeJson({ v: 1, s: 2 ** 53, o: 'a' })],
    ['a position as a string', encodeJson({ v: 1, s: '5', o: 'a' })],
    ['an unknown order', encodeJson({ v: 1, s: 5, o: 'x' })],
    ['an extra member', encodeJson({ v: 1, s: 5, o: 'a', isv: 'other' })],
    ['a JSON array', encodeJson([1, 5, 'a'])],
    ['an overlong token', 'A'.repeat(129)],
  ])('refuses %s', (_what, token) => {
    expect(decodeAuditCursor(token)).toBeUndefined();
  });

  it('never throws, whatever the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => decodeAuditCursor(text) === undefined || typeof text === 'string'));
  });
});
