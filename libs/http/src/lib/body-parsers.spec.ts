import { duplicateJsonKeyMessage, parseForm } from './body-parsers';

describe(parseForm.name, () => {
  it('decodes form parameters', () => {
    expect({ ...parseForm('grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&scope=a+b') }).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      scope: 'a b',
    });
  });

  it('keeps a repeated parameter visible as an array', () => {
    expect({ ...parseForm('scope=a&scope=b&scope=c') }).toEqual({ scope: ['a', 'b', 'c'] });
  });

  it('treats __proto__ as an ordinary parameter', () => {
    const form = parseForm('__proto__=x&__proto__=y');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(form['__proto__']).toEqual(['x', 'y']);
  });
});

describe(duplicateJsonKeyMessage.name, () => {
  it('names a key that looks like a field name, up to 64 characters', () => {
    expect(duplicateJsonKeyMessage('featureFlags')).toBe('The JSON body repeats the key "featureFlags".');
    expect(duplicateJsonKeyMessage('k'.repeat(64))).toContain(`"${'k'.repeat(64)}"`);
  });

  it.each([
    ['longer than 64 characters', 'k'.repeat(65)],
    ['no character', ''],
    ['a control character', 'a\u0000b'],
    ['a line break', 'a\nb'],
    ['a right-to-left override', 'a\u202eb'],
    ['a look-alike letter', 'fеatureFlags'],
    ['a quote', 'a"b'],
    ['markup', '<script>'],
  ])('does not repeat a key with %s', (_, key) => {
    expect(duplicateJsonKeyMessage(key)).toBe('The JSON body repeats a key in an object.');
  });
});
