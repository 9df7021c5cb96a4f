import { freeText } from './free-text';

describe(freeText.name, () => {
  const text = freeText(5);

  it('accepts text up to the bound, including non-ASCII letters and spaces', () => {
    expect(text.safeParse('a b é').success).toBe(true);
    expect(text.safeParse('').success).toBe(true);
  });

  it('refuses text over the bound', () => {
    expect(text.safeParse('abcdef').error?.issues[0]?.code).toBe('too_big');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['newline', 'a\nb'],
    ['escape', 'a\u001bb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u009bb'],
  ])('refuses %s', (_what, input) => {
    expect(text.safeParse(input).error?.issues[0]?.message).toBe('contains control characters');
  });
});
