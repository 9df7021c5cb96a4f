import {
  ALL_ERROR_CODES,
  EXCHANGE_ERROR_CODES,
  ISSUER_ERROR_CODES,
  isErrorCodeOf,
  LAT_ERROR_CODES,
  RBAC_ERROR_CODES,
} from './error-codes';
import { reasonCode } from './shared/reason-code';

describe('ALL_ERROR_CODES', () => {
  it('holds each code once', () => {
    expect(new Set(ALL_ERROR_CODES).size).toBe(ALL_ERROR_CODES.length);
  });

  it.each([
    ['ISSUER', ISSUER_ERROR_CODES],
    ['LAT', LAT_ERROR_CODES],
    ['EXCHANGE', EXCHANGE_ERROR_CODES],
    ['RBAC', RBAC_ERROR_CODES],
  ] as const)('has only %s codes that its events accept as a reason', (area, codes) => {
    const schema = reasonCode(area);
    for (const code of codes) expect(schema.safeParse(code).success).toBe(true);
  });
});

describe(isErrorCodeOf.name, () => {
  it('narrows a known code and rejects an unknown or foreign one', () => {
    expect(isErrorCodeOf(LAT_ERROR_CODES, 'LAT.EXPIRED')).toBe(true);
    expect(isErrorCodeOf(LAT_ERROR_CODES, 'LAT.SOMETHING_NEW')).toBe(false);
    expect(isErrorCodeOf(LAT_ERROR_CODES, 'ISSUER.KEY_MISSING')).toBe(false);
  });
});

describe(reasonCode.name, () => {
  it('rejects a code of another area', () => {
    expect(reasonCode('LAT').safeParse('ISSUER.KEY_MISSING').success).toBe(false);
  });

  it('accepts a code added after this consumer was built (additive change)', () => {
    expect(reasonCode('LAT').safeParse('LAT.SOMETHING_NEW').success).toBe(true);
  });

  it.each(['LAT.', 'lat.expired', 'LAT.EXPIRED ', 'LAT', `LAT.${'X'.repeat(80)}`])('rejects %j', (value) => {
    expect(reasonCode().safeParse(value).success).toBe(false);
  });

  it('rejects an area that is not upper-case alphanumeric', () => {
    expect(() => reasonCode('LAT|.*')).toThrow(/area/);
  });
});
