import { LatError } from './lat-error';
import { readLimitedAccessToken } from './limited-access-token-header';

const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJ4In0.c2ln';

function codeOf(value: string | string[] | undefined): string {
  try {
    readLimitedAccessToken(value);
    return 'accepted';
  } catch (error) {
    return error instanceof LatError ? error.code : 'other';
  }
}

describe(readLimitedAccessToken.name, () => {
  it('returns the token of a well-formed header', () => {
    expect(readLimitedAccessToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
  });

  it('answers a missing header with LAT.MISSING', () => {
    expect(codeOf(undefined)).toBe('LAT.MISSING');
  });

  it.each([
    ['an empty value', ''],
    ['the lowercase scheme', `bearer ${TOKEN}`],
    ['the uppercase scheme', `BEARER ${TOKEN}`],
    ['two spaces', `Bearer  ${TOKEN}`],
    ['a tab', `Bearer\t${TOKEN}`],
    ['no scheme', TOKEN],
    ['another scheme', `DPoP ${TOKEN}`],
    ['a trailing space', `Bearer ${TOKEN} `],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
    ['two headers joined by Node', `Bearer ${TOKEN}, Bearer ${TOKEN}`],
    ['two headers as an array', [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]],
    ['a token with padding', `Bearer ${TOKEN}=`],
    ['four segments', `Bearer ${TOKEN}.x`],
    ['the scheme alone', 'Bearer '],
  ])('refuses %s with LAT.HEADER_INVALID', (_, value) => {
    expect(codeOf(value)).toBe('LAT.HEADER_INVALID');
  });
});
