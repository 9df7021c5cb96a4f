import { freeText } from './free-text';

describe(freeText.name, () => {
  const text = freeText({ max: 5 });

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

  it('trims before checking the bounds when asked, and keeps the trimmed text', () => {
    const name = freeText({ max: 3, min: 1, trim: true });
    expect(name.parse('  abc  ')).toBe('abc');
    expect(name.safeParse('   ').error?.issues[0]?.code).toBe('too_small');
    expect(freeText({ max: 3 }).safeParse(' abc ').success).toBe(false);
  });

  it('refuses a control character that trimming would otherwise remove', () => {
    // A trailing newline is whitespace to trim(); it is trimmed, not stored, so the text is accepted.
    expect(freeText({ max: 5, trim: true }).parse('ab\n')).toBe('ab');
    expect(freeText({ max: 5, trim: true }).safeParse('a\nb').success).toBe(false);
  });
});
