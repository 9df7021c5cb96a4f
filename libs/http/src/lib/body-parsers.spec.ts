import { parseForm } from './body-parsers';

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
