import { LatchkeyError } from '@latchkey/contracts';
import { TOKEN_ERROR_CODES, TokenError } from './token-error';

describe(TokenError.name, () => {
  it('is a LatchkeyError carrying its stable code, safe details and cause', () => {
    const cause = new Error('jose said no');
    const error = new TokenError('TOKENS.EXPIRED', 'the token has expired', { kid: 'k1' }, { cause });
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ name: 'TokenError', code: 'TOKENS.EXPIRED', details: { kid: 'k1' }, cause });
  });

  it('keeps every code in the TOKENS area and unique', () => {
    expect(TOKEN_ERROR_CODES.every((code) => /^TOKENS\.[A-Z_]+$/.test(code))).toBe(true);
    expect(new Set(TOKEN_ERROR_CODES).size).toBe(TOKEN_ERROR_CODES.length);
  });
});
