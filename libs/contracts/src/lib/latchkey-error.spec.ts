import { assertNever, LatchkeyError } from './latchkey-error';

describe(LatchkeyError.name, () => {
  it('keeps its literal code, details and cause', () => {
    const cause = new Error('db down');
    const error = new LatchkeyError('ISSUER.KEY_INVALID', 'invalid key', { isvId: 'isv-1' }, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ISSUER.KEY_INVALID');
    expect(error.details).toEqual({ isvId: 'isv-1' });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('LatchkeyError');
  });
});

describe(assertNever.name, () => {
  it('throws when reached at run time', () => {
    expect(() => assertNever('x' as never)).toThrow(/unhandled case: x/);
  });
});
