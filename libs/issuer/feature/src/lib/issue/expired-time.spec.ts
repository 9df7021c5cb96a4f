import fc from 'fast-check';
import { parseExpiredTime } from './expired-time';

describe(parseExpiredTime.name, () => {
  it('defaults to 3600 seconds when absent', () => {
    expect(parseExpiredTime(undefined)).toEqual({ ok: true, seconds: 3600 });
  });

  it('accepts the bounds 60 and 86400', () => {
    expect(parseExpiredTime('60')).toEqual({ ok: true, seconds: 60 });
    expect(parseExpiredTime('86400')).toEqual({ ok: true, seconds: 86400 });
  });

  it.each(['59', '86401', '0', '-60', '+60', '0x3c', '6e1', '60.0', '60.5', ' 60', '60 ', '', 'sixty', '1000000000'])(
    'rejects %j',
    (raw) => {
      expect(parseExpiredTime(raw).ok).toBe(false);
    },
  );

  it('rejects a repeated parameter instead of picking one', () => {
    expect(parseExpiredTime(['60', '120'])).toEqual({ ok: false, reason: 'expiredTime is given more than once' });
  });

  it('accepts exactly the decimal integers within range', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (raw) => {
        const parsed = parseExpiredTime(raw);
        const expected = /^[0-9]+$/.test(raw) && raw.length <= 6 && Number(raw) >= 60 && Number(raw) <= 86400;
        expect(parsed.ok).toBe(expected);
        if (parsed.ok) expect(parsed.seconds).toBe(Number(raw));
      }),
      { numRuns: 2000 },
    );
  });
});
