import { isVerifiedRejection } from './verified-rejections';

describe(isVerifiedRejection.name, () => {
  it.each([
    'LAT.MISSING',
    'LAT.HEADER_INVALID',
    'LAT.MALFORMED',
    'LAT.TOO_LARGE',
    'LAT.BAD_SIGNATURE',
    'LAT.UNKNOWN_KEY',
    'LAT.KEYS_UNAVAILABLE',
    'LAT.REVOCATION_STALE',
  ])('treats %s as unverified: anyone can send those bytes', (reason) => {
    expect(isVerifiedRejection(reason)).toBe(false);
  });

  it.each(['LAT.EXPIRED', 'LAT.REVOKED', 'LAT.FEATURE_MISSING', 'LAT.WRONG_RESOURCE'])(
    'treats %s as verified: refused after the signature held',
    (reason) => {
      expect(isVerifiedRejection(reason)).toBe(true);
    },
  );

  it('hides no reason and unknown reasons', () => {
    expect(isVerifiedRejection(null)).toBe(false);
    expect(isVerifiedRejection('LAT.SOMETHING_NEW')).toBe(false);
    expect(isVerifiedRejection('constructor')).toBe(false);
  });
});
